export function isBuildStale(): boolean;
export function buildAll(opts?: { ifStale?: boolean; quiet?: boolean }): Promise<boolean>;
