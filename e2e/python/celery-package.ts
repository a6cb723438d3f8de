/** The `celery` Python package as the page's Python worker bundles it. */
export { CELERY_PACKAGE } from "../../src/workers/python/celery-package";
