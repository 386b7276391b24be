/**
 * The realtime envelope, `{"type": string, "data": any, "timestamp": ISO-8601}`, as Pulse's
 * `/ws` hub sends it. An outgoing message is encoded once and handed to every client; the
 * forms a transport needs (UTF-8 bytes, a Socket.IO packet) are derived from it once and
 * cached on the message.
 */
import { z } from "zod";

export type ServerMessageType = "welcome" | "initialState" | "rawData" | "stateDelta" | "ping" | "pong";

export class OutgoingMessage {
  private textCache?: string;
  private bytesCache?: Buffer;
  private readonly derived = new Map<string, unknown>();

  constructor(
    readonly type: ServerMessageType,
    /** `JSON.stringify(data)` */
    readonly dataJson: string,
    readonly timestamp: string,
  ) {}

  /** The envelope as a JSON text. */
  get text(): string {
    // Composed rather than re-serialized: `dataJson` can be megabytes.
    this.textCache ??= `{"type":"${this.type}","data":${this.dataJson},"timestamp":"${this.timestamp}"}`;
    return this.textCache;
  }

  /** UTF-8 of `text`, so a WebSocket library does not encode the string again for every client. */
  get bytes(): Buffer {
    this.bytesCache ??= Buffer.from(this.text, "utf8");
    return this.bytesCache;
  }

  /** A transport-specific encoding, computed by the first client that needs it. */
  derive<T>(key: string, encode: (message: OutgoingMessage) => T): T {
    if (!this.derived.has(key)) this.derived.set(key, encode(this));
    return this.derived.get(key) as T;
  }
}

export function encodeMessage(type: ServerMessageType, data: unknown, at: Date = new Date()): OutgoingMessage {
  return new OutgoingMessage(type, JSON.stringify(data) ?? "null", at.toISOString());
}

/** A message whose data is already serialized (the worker's snapshot JSON). */
export function preEncodedMessage(type: ServerMessageType, dataJson: string, at: Date = new Date()): OutgoingMessage {
  return new OutgoingMessage(type, dataJson, at.toISOString());
}

/**
 * Adds one top-level key to a serialized object without parsing it again:
 * `withJsonKey('{"a":1}', "b", "[2]")` is `'{"a":1,"b":[2]}'`. The key must not be present.
 */
export function withJsonKey(objectJson: string, key: string, valueJson: string): string {
  const body = objectJson.trimEnd();
  if (!body.endsWith("}")) throw new Error("not a JSON object");
  const head = body.slice(0, -1).trimEnd();
  return `${head}${head.endsWith("{") ? "" : ","}${JSON.stringify(key)}:${valueJson}}`;
}

/** Larger client messages are refused by the transports; Pulse's clients only send tiny ones. */
export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

const clientMessageSchema = z.object({ type: z.enum(["ping", "requestData"]) });

export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** A client's `{"type": "ping" | "requestData"}`; anything else (other types, bad JSON) is ignored. */
export function parseClientMessage(input: string | ClientMessage | unknown): ClientMessage | undefined {
  let value: unknown = input;
  if (typeof input === "string") {
    if (input.length > MAX_CLIENT_MESSAGE_BYTES) return undefined;
    try {
      value = JSON.parse(input);
    } catch {
      return undefined;
    }
  }
  const parsed = clientMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
