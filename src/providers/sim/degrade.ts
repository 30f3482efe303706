import type { Random } from '../../stats/prng.js';

/** Words that read naturally in an answer and replace the reference's words a weaker model misses. */
export const FILLERS = [
  'generally',
  'typically',
  'usually',
  'relevant',
  'process',
  'option',
  'standard',
  'specific',
  'certain',
  'various',
  'available',
  'appropriate',
  'information',
  'details',
  'system',
  'service',
  'account',
  'request',
  'section',
  'policy',
  'overall',
  'particular',
  'approach',
  'context',
  'practice',
  'matter',
  'aspect',
  'additional',
  'general',
  'current',
  'related',
  'several',
  'different',
  'common',
  'possible',
  'necessary',
  'important',
  'regular',
  'similar',
  'basic',
  'normally',
  'proper',
  'perhaps',
  'likely',
  'often',
  'sometimes',
  'mostly',
  'broadly',
  'largely',
  'mainly',
  'essentially',
  'effectively',
  'accordingly',
  'otherwise',
  'therefore',
  'relevantly',
  'customarily',
  'arrangement',
  'procedure',
  'framework',
] as const;

const ARTICLES = new Set(['a', 'an', 'the']);
const EDGE_PUNCT = /^([\p{P}\p{S}]*)(.*?)([\p{P}\p{S}]*)$/su;

/** A word as answer-scoring sees it: lowercase, punctuation removed. */
export function scoringForm(word: string): string {
  return word.toLowerCase().replace(/[\p{P}\p{S}]/gu, '');
}

function likeCase(filler: string, original: string): string {
  const first = original.charAt(0);
  return first !== first.toLowerCase() ? filler.charAt(0).toUpperCase() + filler.slice(1) : filler;
}

/**
 * A weaker model's version of a reference answer: each word (punctuation
 * kept around it) survives with probability `quality`, otherwise a filler word
 * not found in the reference takes its place. The length is unchanged, so
 * SQuAD token-F1 against the reference equals the share of words kept, about
 * `quality` on average. Articles always survive (scoring ignores them). Two
 * draws are taken per word whatever `quality` is, so for one random stream a
 * higher quality keeps a superset of the words a lower one keeps.
 */
export function degrade(reference: string, quality: number, random: Random): string {
  const present = new Set(reference.split(/\s+/u).map(scoringForm));
  const fillers = FILLERS.filter((f) => !present.has(f));
  const pool = fillers.length > 0 ? fillers : ['otherwise'];
  return reference.replace(/\S+/gu, (word) => {
    const keep = random() < quality;
    const choice = pool[Math.floor(random() * pool.length)]!;
    const [, lead = '', core = '', trail = ''] = EDGE_PUNCT.exec(word) ?? [];
    const form = scoringForm(core);
    if (keep || form === '' || ARTICLES.has(form)) return word;
    return `${lead}${likeCase(choice, core)}${trail}`;
  });
}
