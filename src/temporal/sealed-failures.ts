import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Loaded by path (the SDK's `failureConverterPath`), in the worker, the client and the workflow
 * bundle alike. With `encodeCommonAttributes` a failure's message and stack trace travel as a
 * payload, so the codec seals them too: an activity failure quoting a student's name would
 * otherwise sit in history in clear. The visible message becomes "Encoded failure".
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
