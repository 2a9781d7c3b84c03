/** Miroir's own version, shown in /version's commitSha and the API documents. */
export const MIROIR_VERSION = '0.1.0';
