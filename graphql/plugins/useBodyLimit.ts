import type { Plugin } from 'graphql-yoga';

/** DESIGN §10's limits start before parsing: no GraphQL request needs more than this. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * Refuses a request body above `maxBytes` from its declared length, before a byte of it is read:
 * HTTP 413. A body of undeclared length (chunked) is 411 — checking the declared length is only
 * a limit when every body declares one; node's parser then reads exactly that many bytes.
 */
export function useBodyLimit(maxBytes: number = DEFAULT_MAX_BODY_BYTES): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
      const refuse = (status: number, reason: string, message: string) =>
        endResponse(fetchAPI.Response.json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT', reason } }] }, { status, headers: { connection: 'close' } }));
      const declared = request.headers.get('content-length');
      if (declared === null) {
        if (request.headers.has('transfer-encoding')) refuse(411, 'LENGTH_REQUIRED', 'a request body must declare its Content-Length');
        return;
      }
      const bytes = /^\d{1,15}$/.test(declared) ? Number(declared) : Number.NaN;
      if (Number.isNaN(bytes)) refuse(400, 'BAD_CONTENT_LENGTH', 'Content-Length is not a byte count');
      else if (bytes > maxBytes) refuse(413, 'BODY_TOO_LARGE', `request body of ${bytes} bytes is above the limit of ${maxBytes}`);
    },
  };
}
