/**
 * Frappe's `money_in_words` (frappe/utils/data.py) for English: num2words' British wording ("one
 * hundred and fifty"), hyphens as spaces, Python's `str.title()`, the currency before and "only."
 * after, cents as "and <words> Cent" (captures: "USD One Hundred And Fifty only.", "USD Ninety Nine
 * and Fifty Cent only."). The sign is dropped: a credit note of -150 reads like 150 (284).
 */
const ones = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const scales: [number, string][] = [[1e9, 'billion'], [1e6, 'million'], [1e3, 'thousand']];

function belowThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const restWords = rest < 20 ? ones[rest] : `${tens[Math.floor(rest / 10)]}${rest % 10 ? `-${ones[rest % 10]}` : ''}`;
  if (!hundreds) return restWords;
  return rest ? `${ones[hundreds]} hundred and ${restWords}` : `${ones[hundreds]} hundred`;
}

/** num2words(n, lang="en") for a whole number. */
export function numberInWords(n: number): string {
  if (n < 1000) return belowThousand(n);
  const parts: string[] = [];
  let rest = n;
  for (const [size, name] of scales) {
    if (rest >= size) {
      parts.push(`${belowThousand(Math.floor(rest / size))} ${name}`);
      rest %= size;
    }
  }
  // num2words separates the groups with commas ("one thousand, eight hundred": 342) and joins a
  // last group below one hundred with "and" ("one thousand and five").
  if (rest >= 100) parts.push(belowThousand(rest));
  const words = parts.join(', ');
  return rest && rest < 100 ? `${words} and ${belowThousand(rest)}` : words;
}

const title = (text: string) => text.replace(/-/g, ' ').replace(/\b[a-z]/g, (c) => c.toUpperCase());

export function moneyInWords(amount: number, currency: string, fractionUnit = 'Cent'): string {
  const [main, fraction] = Math.abs(amount).toFixed(2).split('.').map(Number);
  let out = `${currency} ${title(numberInWords(main))}`;
  if (fraction) out += ` and ${title(numberInWords(fraction))} ${fractionUnit}`;
  return `${out} only.`;
}
