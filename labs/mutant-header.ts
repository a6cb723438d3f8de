/**
 * The header every mutant file starts with (labs/README.md, "Mutants and variants"):
 *
 *   // mistake: the reducer is sent from main after awaiting the group (a client-side join)
 *   // expect: client|main
 *
 * `mistake` names the learner's mistake; `expect` is a case-insensitive regex that the message of
 * at least one failing check must match, so the learner is told what they got wrong in words.
 */
export interface MutantHeader {
  mistake: string;
  expect: RegExp;
}

export function parseMutantHeader(source: string): MutantHeader | null {
  const lines = source.split("\n", 2);
  // "//" in TypeScript, "#" in Python (labs/<id>/mutants/*.py)
  const mistake = /^(?:\/\/|#) mistake: (.+)$/.exec(lines[0]?.trim() ?? "")?.[1];
  const expect = /^(?:\/\/|#) expect: (.+)$/.exec(lines[1]?.trim() ?? "")?.[1];
  if (!mistake || !expect) return null;
  return { mistake: mistake.trim(), expect: new RegExp(expect.trim(), "i") };
}
