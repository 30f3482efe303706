import { mulberry32 } from '../../stats/prng.js';
import type { KnowledgeItem } from '../sim/knowledge.js';

const VOCAB = [
  'licence',
  'royalty',
  'clause',
  'patent',
  'tenant',
  'landlord',
  'notice',
  'deposit',
  'contract',
  'breach',
  'remedy',
  'court',
  'filing',
  'invoice',
  'refund',
  'warranty',
  'trademark',
  'assignment',
  'term',
  'renewal',
  'payment',
  'days',
  'fourteen',
  'thirty',
  'written',
  'consent',
  'party',
  'owner',
  'copyright',
  'exclusive',
  'territory',
  'audit',
  'fee',
  'damages',
  'arbitration',
  'jurisdiction',
  'employer',
  'employee',
  'overtime',
  'holiday',
  'salary',
  'insurance',
  'claim',
];

/** Suite-like items: `perSlice` items for each slice, each with a reference of 12 to 30 words. */
export function syntheticItems(slices: Readonly<Record<string, number>>, seed = 1): KnowledgeItem[] {
  const random = mulberry32(seed);
  const items: KnowledgeItem[] = [];
  for (const [slice, count] of Object.entries(slices)) {
    for (let i = 0; i < count; i++) {
      const n = 12 + Math.floor(random() * 19);
      const words = Array.from({ length: n }, (_, k) => {
        const w = VOCAB[Math.floor(random() * VOCAB.length)]!;
        return k % 7 === 3 ? `the ${w},` : w;
      });
      words[0] = words[0]!.charAt(0).toUpperCase() + words[0]!.slice(1);
      items.push({
        input: `Question ${i} in ${slice}: what about the ${VOCAB[i % VOCAB.length]}?`,
        slice,
        reference: `${words.join(' ')}.`,
      });
    }
  }
  return items;
}
