/** A piece of HTML that is already safe to put in a page. */
export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

type Part = Html | string | number | boolean | undefined | null | readonly Part[];

function render(part: Part): string {
  if (part === undefined || part === null || part === false) return '';
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

/**
 * HTML from a template: every interpolated value is escaped unless it is already `Html`
 * (another `html` result); arrays are joined, and undefined, null and false print nothing.
 *
 * @example html`<td>${name}</td>`.text // '<td>Ada &amp; Co</td>' for 'Ada & Co'
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  return new Html(strings.reduce((out, string, index) => out + string + (index < values.length ? render(values[index]) : ''), ''));
}
