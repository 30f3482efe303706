/**
 * The phrases that mark an answer as a refusal or a hedge: the assistant
 * declining, disclaiming its nature, or sending the user to a professional
 * instead of answering. Each is a case-insensitive regular expression bounded
 * by word boundaries, so "An attorney drafted this contract" is not a refusal
 * while "consult an attorney" is. Straight and curly apostrophes both match.
 * Changing this list changes scores: bump JUDGE_LIBRARY with it.
 */

export interface RefusalPhrase {
  readonly id: string;
  readonly pattern: RegExp;
}

const APOS = "['\u2019]";
const I_CANNOT = `i(?:\\s+(?:can${APOS}?t|cannot|can\\s+not|won${APOS}t|will\\s+not|am\\s+not\\s+able\\s+to|am\\s+unable\\s+to)|${APOS}m\\s+(?:not\\s+able\\s+to|unable\\s+to))`;
const QUALIFIER =
  '(?:qualified|licensed|local|certified|legal|medical|tax|financial|healthcare|health\\s+care|mental\\s+health)\\s+';
const NOUN =
  '(?:attorney|lawyer|solicitor|barrister|counsel|doctor|physician|pharmacist|therapist|professional|expert|specialist|advisor|adviser|accountant|healthcare\\s+provider|health\\s+care\\s+provider)s?';
/** "a lawyer", "your doctor", "with a qualified professional", "legal counsel" — but not a bare "counsel". */
const PROFESSIONAL = `(?:with\\s+)?(?:(?:a|an|your)\\s+(?:${QUALIFIER})*|(?:${QUALIFIER})+)${NOUN}`;

const phrase = (id: string, source: string): RefusalPhrase => ({ id, pattern: new RegExp(`\\b${source}\\b`, 'iu') });

export const REFUSAL_PHRASES: readonly RefusalPhrase[] = [
  // Sending the user to a professional instead of answering.
  phrase(
    'consult-professional',
    `(?:consult|consulting|speak|speaking|talk|talking|check|checking|contact|contacting)\\s+(?:to\\s+)?${PROFESSIONAL}`,
  ),
  phrase(
    'seek-advice',
    '(?:seek|seeking|get|obtain)\\s+(?:(?:independent|qualified|proper)\\s+)?(?:professional|legal|medical|expert)\\s+(?:advice|help|counsel|guidance|assistance)',
  ),
  phrase('seek-advice-of', '(?:seek|seeking)\\s+the\\s+(?:advice|help|counsel)\\s+of'),
  // Declining.
  phrase('cannot-help', `${I_CANNOT}\\s+(?:help\\s+(?:you\\s+)?with|help\\s+you|assist)`),
  phrase('cannot-provide', `${I_CANNOT}\\s+(?:provide|give|offer)`),
  phrase('sorry-cannot', `(?:sorry|apologi[sz]e),?\\s+(?:but\\s+)?${I_CANNOT}`),
  phrase('not-able-to', `i\\s*(?:${APOS}m|\\s+am)\\s+not\\s+able\\s+to`),
  phrase('will-not-be-able', `i\\s+(?:won${APOS}t|will\\s+not)\\s+be\\s+able\\s+to`),
  phrase('unable-to', `i\\s*(?:${APOS}m|\\s+am)\\s+unable\\s+to`),
  phrase('must-decline', 'i\\s+(?:must|have\\s+to|need\\s+to)\\s+(?:decline|refrain)'),
  phrase('not-comfortable', `i\\s*(?:${APOS}m|\\s+am)\\s+not\\s+comfortable`),
  // Disclaiming.
  phrase(
    'as-an-ai',
    'as\\s+(?:an\\s+ai|a\\s+(?:large\\s+)?language\\s+model|an\\s+ai\\s+(?:language\\s+)?model|an\\s+ai\\s+assistant)',
  ),
  phrase(
    'not-a-professional',
    `i\\s*(?:${APOS}m|\\s+am)\\s+not\\s+a\\s+(?:lawyer|attorney|doctor|physician|medical\\s+professional|legal\\s+professional|financial\\s+advisor)`,
  ),
  phrase('not-advice', '(?:is|does)\\s+not\\s+(?:constitute\\s+)?(?:legal|medical|financial|professional)\\s+advice'),
];

export interface RefusalMatch {
  readonly id: string;
  readonly text: string;
}

/** Every phrase that occurs in the text, with the text that matched it. */
export function findRefusals(text: string): RefusalMatch[] {
  const found: RefusalMatch[] = [];
  for (const p of REFUSAL_PHRASES) {
    const m = p.pattern.exec(text);
    if (m) found.push({ id: p.id, text: m[0] });
  }
  return found;
}
