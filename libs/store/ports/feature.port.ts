/** The hosted search page's settings per index (state.md). */
export interface SearchUiConfig {
  indexUid: string;
  config: Record<string, unknown>;
  updatedAt: string;
}
