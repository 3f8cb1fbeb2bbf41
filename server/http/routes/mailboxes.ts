/** Read-only views of the message stores: a listing and a message's raw bytes. */
import { errorReply, json, type Reply } from '../reply.js';
import type { Route } from '../router.js';
import { clip, parseCount } from './params.js';

const MAX_ADDRESS_CHARS = 320;
const MAX_FOLDER_CHARS = 1000;
const MAX_UID = 0xffffffff;

export const mailboxRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/mailboxes/:address/:folder',
    handle: ({ facade, params }) => {
      const invalid = checkNames(params.address!, params.folder!);
      if (invalid) return invalid;
      const messages = facade.mailbox(params.address!, params.folder!);
      return messages ? json(200, messages) : noMailbox(params.address!, params.folder!);
    },
  },
  {
    method: 'GET',
    pattern: '/api/mailboxes/:address/:folder/:uid/raw',
    handle: ({ facade, params }) => {
      const invalid = checkNames(params.address!, params.folder!);
      if (invalid) return invalid;
      const uid = parseCount(params.uid!, 'uid', MAX_UID);
      const found = facade.mailboxMessage(params.address!, params.folder!, uid);
      if (!found)
        return errorReply(404, `no message with uid ${uid} in ${clip(params.address!)} ${clip(params.folder!)}`);
      return {
        kind: 'bytes',
        status: 200,
        body: found.raw,
        contentType: 'message/rfc822',
        // Mail is hostile input: never let a browser run anything in it.
        headers: { 'content-security-policy': 'sandbox' },
      };
    },
  },
];

function checkNames(address: string, folder: string): Reply | undefined {
  if (address.length > MAX_ADDRESS_CHARS) return errorReply(400, 'address is too long');
  if (folder.length > MAX_FOLDER_CHARS) return errorReply(400, 'folder name is too long');
  return undefined;
}

function noMailbox(address: string, folder: string): Reply {
  return errorReply(404, `no mailbox ${clip(address)} folder ${clip(folder)}`);
}
