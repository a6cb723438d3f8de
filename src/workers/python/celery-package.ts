/** The `celery` Python package (py/celery), bundled as text (esbuild's text loader for .py). */
// @ts-expect-error: .py files are bundled as text
import init from "../../../py/celery/__init__.py";
// @ts-expect-error: .py files are bundled as text
import exceptions from "../../../py/celery/exceptions.py";
// @ts-expect-error: .py files are bundled as text
import states from "../../../py/celery/states.py";
// @ts-expect-error: .py files are bundled as text
import process from "../../../py/celery/_process.py";
// @ts-expect-error: .py files are bundled as text
import runtime from "../../../py/celery/_runtime.py";
// @ts-expect-error: .py files are bundled as text
import redis from "../../../py/celery/_redis.py";
// @ts-expect-error: .py files are bundled as text
import world from "../../../py/celery/_world.py";
// @ts-expect-error: .py files are bundled as text
import threading from "../../../py/celery/_threading.py";
// @ts-expect-error: .py files are bundled as text
import request from "../../../py/celery/_request.py";
// @ts-expect-error: .py files are bundled as text
import signals from "../../../py/celery/_signals.py";
// @ts-expect-error: .py files are bundled as text
import extend from "../../../py/celery/_extend.py";

export const CELERY_PACKAGE: Record<string, string> = {
  "__init__.py": init,
  "exceptions.py": exceptions,
  "states.py": states,
  "_process.py": process,
  "_runtime.py": runtime,
  "_redis.py": redis,
  "_world.py": world,
  "_threading.py": threading,
  "_request.py": request,
  "_signals.py": signals,
  "_extend.py": extend,
};
