/**
 * The code inside what a reviewer pastes: the code in any spelling the gateway accepts (the
 * verifier folds case and look-alikes and skips hyphens), or the printed URL
 * `https://<host>/S/<CODE>` (either case of `s`, any host, a query or fragment dropped).
 */
export function codeFromInput(input: string): string {
  const text = input.trim();
  const url = /^https?:\/\/[^/]+\/s\/([^/?#]*)(?:[?#].*)?$/i.exec(text);
  return url ? (url[1] as string) : text;
}
