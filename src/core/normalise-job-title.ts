/**
 * Job titles to a comparison key. ESR's Position Title, NHSmail's Job Title and AD's `title` are
 * typed by different people: "Snr Staff Nurse - Band 6", "Senior SN (B6)", "senior staff nurse".
 * The key is lowercase words with common NHS abbreviations written out, so exact equality and
 * Dice similarity both see the words rather than the spelling.
 */

/**
 * Single-word abbreviations → words. Only forms unambiguous in a job title: "reg" (registrar or
 * registered?) is left alone. "sr" is read as senior, as agreed, though on wards it can mean Sister.
 */
const WORDS: Readonly<Record<string, string>> = {
  snr: 'senior', sr: 'senior', jnr: 'junior', jr: 'junior',
  mgr: 'manager', mngr: 'manager', mgmt: 'management', mgt: 'management',
  asst: 'assistant',
  admin: 'administrator', admins: 'administrators',
  hca: 'healthcare assistant', hcsw: 'healthcare support worker', hcw: 'healthcare worker',
  rn: 'registered nurse', rgn: 'registered general nurse', rmn: 'registered mental health nurse',
  sn: 'staff nurse', cns: 'clinical nurse specialist', anp: 'advanced nurse practitioner',
  acp: 'advanced clinical practitioner', np: 'nurse practitioner', hv: 'health visitor',
  dept: 'department', depts: 'departments',
  tech: 'technician', techs: 'technicians',
  coord: 'coordinator', coords: 'coordinators',
  physio: 'physiotherapist', physios: 'physiotherapists',
  ot: 'occupational therapist', slt: 'speech and language therapist', salt: 'speech and language therapist',
  ahp: 'allied health professional',
  dr: 'doctor', cons: 'consultant',
  spr: 'specialist registrar', str: 'specialty registrar', sho: 'senior house officer',
  spec: 'specialist', dir: 'director', dep: 'deputy', dpty: 'deputy', exec: 'executive',
  supp: 'support', wkr: 'worker', svc: 'service', svcs: 'services',
  info: 'information', dev: 'development', ops: 'operations',
  recep: 'receptionist', sec: 'secretary', med: 'medical', clin: 'clinical',
  prac: 'practitioner', pract: 'practitioner',
  mh: 'mental health', ld: 'learning disabilities',
  hr: 'human resources', it: 'information technology', ict: 'information and communication technology',
  ae: 'accident and emergency', ed: 'emergency department',
  fy1: 'foundation year 1', fy2: 'foundation year 2', f1: 'foundation year 1', f2: 'foundation year 2',
};

/** Abbreviations that arrive as two words once punctuation became spaces ("co-ord", "A&E"). */
const PAIRS: Readonly<Record<string, string>> = {
  'co ord': 'coordinator',
  'co ordinator': 'coordinator',
  'a and e': 'accident and emergency',
  'h c a': 'healthcare assistant',
};

/** Placeholders that would make two unrelated people "agree" on position. */
const PLACEHOLDERS = new Set(['n a', 'na', 'none', 'null', 'tbc', 'tba', 'unknown', 'not known', 'other', 'various']);

/**
 * lowercase, punctuation → space, `&`/`+` → and, common NHS abbreviations expanded (snr/sr →
 * senior, mgr → manager, hca → healthcare assistant, sn → staff nurse, …), "band5"/"b5" →
 * "band 5", collapse spaces. undefined when empty or a placeholder (N/A, TBC, Unknown).
 */
export function normaliseJobTitle(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const flat = raw
    .normalize('NFKD')
    .toLowerCase()
    .normalize('NFKD') // lowercasing can add marks (İ → i + dot above)
    .replace(/\p{M}+/gu, '')
    .replace(/['’‘`]/g, '') // "nurse's" stays one word
    .replace(/[&+]/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  if (flat === '' || PLACEHOLDERS.has(flat)) return undefined;
  const t = flat.split(' ');
  const out: string[] = [];
  for (let i = 0; i < t.length; i++) {
    const w = t[i]!;
    const pair3 = i + 2 < t.length ? PAIRS[`${w} ${t[i + 1]} ${t[i + 2]}`] : undefined;
    if (pair3 !== undefined) {
      out.push(pair3);
      i += 2;
      continue;
    }
    const pair2 = i + 1 < t.length ? PAIRS[`${w} ${t[i + 1]}`] : undefined;
    if (pair2 !== undefined) {
      out.push(pair2);
      i += 1;
      continue;
    }
    // Agenda for Change bands: "band5", "b5", "band 8a", "b8a" → "band 5", "band 8a".
    const band = /^(?:band|b)(\d[a-d]?)$/.exec(w);
    if (band) {
      out.push('band', band[1]!);
      continue;
    }
    out.push(Object.hasOwn(WORDS, w) ? WORDS[w]! : w);
  }
  return out.join(' ');
}
