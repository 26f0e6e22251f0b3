import { z } from 'zod';
import { MoodleException, moodleException } from '../exceptions';
import { courseEnrolments } from '../enrolments';
import { conversationBetween, formatMessageText, htmlToText, textFormats } from '../messaging';
import { multiple, optional, single, value, withDefault } from '../parameters';
import { fullname, userPictureUrl } from '../presenters';
import { nextId, type MoodleState } from '../state';
import { requireCapability, type FunctionContext, type WsFunction } from './function';

const sharesCourse = (state: MoodleState, a: number, b: number) =>
  state.courses.some((course) => {
    const enrolled = new Set(courseEnrolments(state, course.id).map((ue) => ue.userid));
    return enrolled.has(a) && enrolled.has(b);
  });

/** api::can_send_message: messageanyuser, or the recipient's default privacy (course members unless messagingallusers). */
function canMessage(context: FunctionContext, recipient: number) {
  const { state, caller } = context;
  if (context.hasCapability('moodle/site:messageanyuser') || recipient === caller.id) return true;
  return state.settings.messagingallusers || sharesCourse(state, caller.id, recipient);
}

const formatNotSupported = (format: number | null) =>
  new MoodleException('moodle_exception', 'formatnotsupported', 'webservice/formatnotsupported', `The format with value=${format ?? ''} is not supported by this Moodle site`);

export const sendInstantMessages: WsFunction = {
  name: 'core_message_send_instant_messages',
  version: '2022112811',
  parameters: { messages: multiple(single({ touserid: value('int'), text: value('raw'), textformat: value('int', withDefault(0)), clientmsgid: value('alphanumext', optional) })) },
  execute(args, context) {
    const { state, caller } = context;
    if (!state.settings.messaging) throw moodleException('disabled', 'Messaging is disabled on this site');
    requireCapability(context, 'moodle/site:sendmessage', 'Send messages to any user');
    const { messages } = z.object({ messages: z.array(z.object({ touserid: z.number(), text: z.string(), textformat: z.number(), clientmsgid: z.string().optional() })) }).parse(args);
    const results = messages.map((message) => {
      const recipient = state.users.find((user) => user.id === message.touserid && !user.deleted);
      const clientmsgid = message.clientmsgid === undefined ? {} : { clientmsgid: message.clientmsgid };
      // Per-message problems are answers, not exceptions (273, 279); a suspended recipient is fine (278).
      let errormessage: string | undefined;
      if (!recipient) errormessage = `You cannot send a message to a user ID (${message.touserid}) that doesn't exist.`;
      else if (!canMessage(context, recipient.id)) errormessage = `You can't message ${fullname(recipient)} due to their message preferences. Try adding them as a contact.`;
      if (errormessage !== undefined) return { msgid: -1, ...clientmsgid, errormessage, candeletemessagesforallusers: false };
      if (!textFormats.has(message.textformat)) throw formatNotSupported(message.textformat);
      const conversation = conversationBetween(state, caller.id, message.touserid, () => nextId(state, 'message_conversations'));
      const stored = { id: nextId(state, 'messages'), conversationid: conversation.id, useridfrom: caller.id, text: message.text, format: message.textformat, timecreated: state.now() };
      state.messages.push(stored);
      return { msgid: stored.id, ...clientmsgid, text: formatMessageText(stored.text, stored.format), timecreated: stored.timecreated, conversationid: conversation.id, useridfrom: caller.id, candeletemessagesforallusers: false };
    });
    // Moodle 4.1 maps every result through the stored messages once any was sent; a failed one has
    // none, so the call throws after the good messages were stored and sent (280).
    if (results.some((result) => result.msgid === -1) && results.some((result) => result.msgid !== -1)) throw formatNotSupported(null);
    return results;
  },
};

export const getMessages: WsFunction = {
  name: 'core_message_get_messages',
  version: '2022112811',
  parameters: {
    useridto: value('int'),
    useridfrom: value('int', withDefault(0)),
    type: value('alpha', withDefault('both')),
    read: value('int', withDefault(1)),
    newestfirst: value('bool', withDefault(true)),
    limitfrom: value('int', withDefault(0)),
    limitnum: value('int', withDefault(0)),
  },
  execute(args, context) {
    const { state, caller } = context;
    if (!state.settings.messaging) throw moodleException('disabled', 'Messaging is disabled on this site');
    const input = z.object({ useridto: z.number(), useridfrom: z.number(), type: z.string(), read: z.number(), newestfirst: z.boolean(), limitfrom: z.number(), limitnum: z.number() }).parse(args);
    // Only the sender or the recipient may read, unless moodle/site:readallmessages (285).
    if (input.useridto !== caller.id && input.useridfrom !== caller.id && !context.hasCapability('moodle/site:readallmessages')) throw moodleException('accessdenied', 'Access denied');
    // The sandbox stores no notifications and nothing is ever read: unread ones only.
    const wanted = input.type !== 'notifications' && input.read !== 1;
    const conversations = new Map(state.conversations.map((conversation) => [conversation.id, conversation]));
    const selected = state.messages
      .map((message) => ({ message, to: conversations.get(message.conversationid)?.members.find((member) => member !== message.useridfrom) ?? message.useridfrom }))
      .filter(({ message, to }) => wanted && to === input.useridto && (input.useridfrom === 0 || message.useridfrom === input.useridfrom))
      .sort((a, b) => (input.newestfirst ? b.message.timecreated - a.message.timecreated : a.message.timecreated - b.message.timecreated) || a.message.id - b.message.id);
    const page = input.limitnum > 0 ? selected.slice(input.limitfrom, input.limitfrom + input.limitnum) : selected.slice(input.limitfrom);
    const nameOf = (id: number) => {
      const user = state.users.find((candidate) => candidate.id === id);
      return user ? fullname(user) : '';
    };
    return {
      messages: page.map(({ message, to }) => ({
        id: message.id,
        useridfrom: message.useridfrom,
        useridto: to,
        subject: `New message from ${nameOf(message.useridfrom)}`,
        text: formatMessageText(message.text, message.format),
        fullmessage: message.format === 1 ? htmlToText(message.text) : message.text,
        fullmessageformat: message.format,
        fullmessagehtml: message.format === 1 ? message.text : '',
        smallmessage: message.text,
        notification: 0,
        contexturl: '',
        contexturlname: '',
        timecreated: message.timecreated,
        timeread: null,
        usertofullname: nameOf(to),
        userfromfullname: nameOf(message.useridfrom),
        customdata: JSON.stringify({ notificationiconurl: userPictureUrl(context.siteUrl, 'f1'), actionbuttons: { send: 'Send' }, placeholders: { send: 'Write a message...' }, courseid: 1 }).replace(/\//g, '\\/'),
      })),
      warnings: [],
    };
  },
};
