import type { MoodleState } from './state';

/** A row of `messages` (an instant message in a conversation). */
export interface MessageRecord {
  id: number;
  conversationid: number;
  useridfrom: number;
  /** What was sent, unformatted (`smallmessage`). */
  text: string;
  /** FORMAT_MOODLE 0, FORMAT_HTML 1, FORMAT_PLAIN 2, FORMAT_MARKDOWN 4. */
  format: number;
  timecreated: number;
}

/** `message_conversations`: individual (type 1) between two users, self (type 3) with oneself. */
export interface ConversationRecord {
  id: number;
  type: 1 | 3;
  members: number[];
}

/** Formats external_validate_format accepts; anything else is `formatnotsupported` (addendum, 276). */
export const textFormats = new Set([0, 1, 2, 4]);

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const paragraph = (html: string) => `<p>${html.replace(/\n/g, '<br>\n')}</p>`;

/** The small markdown subset the captures use: strong, emphasis (275). */
const markdownInline = (text: string) =>
  escapeHtml(text)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|\W)_(.+?)_(?=\W|$)/g, '$1<em>$2</em>');

/**
 * message_format_message_text as the captures show it (274, 275): HTML unchanged, plain text
 * escaped, Moodle auto-format and markdown rendered, each non-HTML one a paragraph with `<br>` lines.
 */
export function formatMessageText(text: string, format: number): string {
  if (text === '') return '';
  if (format === 1) return text;
  if (format === 2) return paragraph(escapeHtml(text));
  if (format === 4) return paragraph(markdownInline(text));
  return paragraph(text);
}

/**
 * html_to_text for the `fullmessage` of an HTML message: bold becomes upper case, a paragraph
 * ends with a newline (284: "<p>Hello <b>Bea</b></p>" → "Hello BEA\n"). Other tags are dropped.
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<(b|strong)>(.*?)<\/\1>/gi, (_match, _tag, inner: string) => inner.toUpperCase())
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The conversation between two users, created on first message (ids in creation order, 274-281). */
export function conversationBetween(state: MoodleState, from: number, to: number, nextId: () => number): ConversationRecord {
  const members = from === to ? [from] : [from, to].sort((a, b) => a - b);
  const existing = state.conversations.find((conversation) => conversation.members.length === members.length && conversation.members.every((member, index) => member === members[index]));
  if (existing) return existing;
  const conversation: ConversationRecord = { id: nextId(), type: from === to ? 3 : 1, members };
  state.conversations.push(conversation);
  return conversation;
}
