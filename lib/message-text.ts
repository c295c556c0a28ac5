// Text from a caller or a server inside a message, cut to a readable length: one huge argument must not
// flood a message, a log line or a NODE_DEBUG trace. The one place text is cut for messages: the API's
// argument errors (validate.ts), the CLI's usage errors (cli/) and the rest all quote through here.

const MAX_SHOWN_LENGTH = 60;

/** The text quoted (by `quote`, default double quotes); past 60 characters cut, saying how long it was. */
export function quoted(text: string, quote: (text: string) => string = (t) => `"${t}"`): string {
  return text.length <= MAX_SHOWN_LENGTH
    ? quote(text)
    : `${quote(text.slice(0, MAX_SHOWN_LENGTH))}... (${text.length} characters)`;
}

/** For quoted(): the text as it is, for words that read plainly, like an option name. */
export function noQuotes(text: string): string {
  return text;
}

/** Already formatted text, cut past 60 characters. */
export function cut(text: string): string {
  return text.length <= MAX_SHOWN_LENGTH ? text : `${text.slice(0, MAX_SHOWN_LENGTH)}...`;
}
