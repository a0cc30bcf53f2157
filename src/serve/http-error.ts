// Errors a route throws to answer with a status and a message (never a stack trace): the error handler
// in app.ts turns them, Fastify's own validation errors and anything unexpected into JSON replies.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);
