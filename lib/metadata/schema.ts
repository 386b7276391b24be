/**
 * What a client may send for a resource's metadata (Pulse's GuestMetadata / HostMetadata /
 * DockerMetadata / DockerHostMetadata). Every field is optional: a PUT changes the fields
 * it names and keeps the others. `null` clears a field (Pulse's Go clients send nil slices
 * as null). Server-kept fields (`id`, `lastKnownName`, `lastKnownType`) are ignored.
 */
import { z } from "zod";

export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 100;
export const MAX_NOTES = 100;
export const MAX_NOTE_BYTES = 4096;
export const MAX_DESCRIPTION_LENGTH = 2000;
export const MAX_URL_LENGTH = 2048;
export const MAX_DISPLAY_NAME_LENGTH = 200;
export const MAX_RESOURCE_ID_LENGTH = 512;
/** 100 notes of 4 KB plus the rest, with room for JSON escaping. */
export const MAX_METADATA_BODY_BYTES = 1024 * 1024;

const CONTROL = /[\u0000-\u001f\u007f]/;
/** Control characters except tab and newlines, which notes and descriptions may hold. */
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** A UTF-16 surrogate without its partner cannot be stored as UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const wellFormed = (s: string) => !LONE_SURROGATE.test(s);

/** One line of text: no control characters. */
const line = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what} must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s) && wellFormed(s), `${what} must not contain control characters`);

/** Free text: tabs and newlines allowed. */
const text = (what: string) =>
  z.string().refine((s) => !CONTROL_EXCEPT_WHITESPACE.test(s) && wellFormed(s), `${what} must not contain control characters`);

const DescriptionSchema = z
  .string()
  .max(MAX_DESCRIPTION_LENGTH, `description must be at most ${MAX_DESCRIPTION_LENGTH} characters`)
  .refine((s) => !CONTROL_EXCEPT_WHITESPACE.test(s) && wellFormed(s), "description must not contain control characters");

/** Only http(s) links with a host, and no credentials in them: the UI renders this as a link. */
export function customUrlProblem(url: string): string | undefined {
  if (url === "") return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "customUrl must be an absolute http:// or https:// URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "customUrl must use http or https";
  if (!parsed.hostname) return "customUrl must name a host";
  if (parsed.username || parsed.password) return "customUrl must not contain credentials";
  return undefined;
}

export const CustomUrlSchema = line(MAX_URL_LENGTH, "customUrl").superRefine((url, ctx) => {
  const problem = customUrlProblem(url);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const TagsSchema = z
  .array(line(MAX_TAG_LENGTH, "tag").pipe(z.string().min(1, "tags must not be empty")))
  .max(MAX_TAGS, `at most ${MAX_TAGS} tags`)
  .transform((tags) => [...new Set(tags)]);

const NotesSchema = z
  .array(text("note").refine((n) => Buffer.byteLength(n, "utf8") <= MAX_NOTE_BYTES, `each note must be at most ${MAX_NOTE_BYTES} bytes`))
  .max(MAX_NOTES, `at most ${MAX_NOTES} notes`);

export const MetadataPatchSchema = z.object({
  customUrl: CustomUrlSchema.nullable().optional(),
  description: DescriptionSchema.nullable().optional(),
  tags: TagsSchema.nullable().optional(),
  notes: NotesSchema.nullable().optional(),
  /** host agents only */
  commandsEnabled: z.boolean().nullable().optional(),
  /** Docker hosts only */
  customDisplayName: line(MAX_DISPLAY_NAME_LENGTH, "customDisplayName").nullable().optional(),
});

export type MetadataPatch = z.output<typeof MetadataPatchSchema>;

/** A resource id from the path: guests look like `instance:node:vmid`. */
export const ResourceIdSchema = z
  .string()
  .min(1, "resource id is required")
  .max(MAX_RESOURCE_ID_LENGTH, `resource id must be at most ${MAX_RESOURCE_ID_LENGTH} characters`)
  .refine((s) => !CONTROL.test(s) && wellFormed(s), "resource id must not contain control characters");
