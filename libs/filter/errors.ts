/**
 * The words of milli's filter errors that name an attribute (`FilterError::AttributeNotFilterable`
 * in milli/src/search/facet/filter.rs), with the position line filter-parser/src/error.rs appends:
 * `{start}:{end} {filter}`, 1-based columns in characters of the filter part that names it.
 */

/** The string parts of a filter in any accepted form (a string, or arrays of strings). */
export function filterParts(filter: unknown): string[] {
  if (typeof filter === 'string') return [filter];
  if (!Array.isArray(filter)) return [];
  return filter.flatMap((f) => filterParts(f));
}

/** `Attribute `x` is not filterable.` and the patterns that are (or that there are none). */
export function notFilterableText(field: string, patterns: readonly string[]): string {
  const available = patterns.length
    ? `Available filterable attribute patterns are: ${patterns.map((p) => `\`${p}\``).join(', ')}.`
    : 'This index does not have configured filterable attributes.';
  return `Attribute \`${field}\` is not filterable. ${available}`;
}

/** `message` with the position line of `field`'s first use in `part`. */
export function atFilterPosition(message: string, part: string, field: string): string {
  const at = columnOf(part, field);
  return `${message}\n${at}:${at + [...field].length} ${part}`;
}

/** 1-based column (in characters) of the first use of `field` in the filter text. */
function columnOf(text: string, field: string): number {
  let best = -1;
  for (const q of [field, `"${field}"`, `'${field}'`]) {
    const i = text.indexOf(q);
    if (i >= 0 && (best < 0 || i < best)) best = q === field ? i : i + 1;
  }
  return best < 0 ? 1 : [...text.slice(0, best)].length + 1;
}
