/**
 * Conversations and people are named by platform-qualified ids: "matrix:!room:example.org",
 * "discord:81234", "console:local". This is the one place that builds and reads them.
 */

/** "discord", "123" → "discord:123". */
export function qualify(platform: string, local: string): string {
  return `${platform}:${local}`;
}

/** The platform an id belongs to: "matrix:@alice:example.org" → "matrix". */
export function platformOf(id: string): string | undefined {
  const colon = id.indexOf(":");
  return colon > 0 ? id.slice(0, colon) : undefined;
}

/** The platform's own id, when `id` belongs to `platform`: ("discord", "discord:123") → "123". */
export function localId(platform: string, id: string): string | undefined {
  return id.startsWith(`${platform}:`) && id.length > platform.length + 1 ? id.slice(platform.length + 1) : undefined;
}

/** An id as people know it, without the platform: "matrix:@alice:example.org" → "@alice:example.org". */
export function withoutPlatform(id: string): string {
  const colon = id.indexOf(":");
  return colon > 0 ? id.slice(colon + 1) : id;
}
