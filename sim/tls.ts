/** Self-signed server certificates, like a fresh PVE install, and their GUI-style fingerprints. */
import { X509Certificate } from "node:crypto";
import { generate } from "selfsigned";

export interface TlsMaterial {
  key: string;
  cert: string;
}

/** Generation costs ~200 ms for RSA; reuse within a process (tests start many simulators). */
const generated = new Map<string, Promise<TlsMaterial>>();

export function certificateFor(commonName: string, ip: string, keyType: "rsa" | "ec" = "rsa"): Promise<TlsMaterial> {
  const cacheKey = `${commonName}|${ip}|${keyType}`;
  let pending = generated.get(cacheKey);
  if (!pending) {
    pending = generate([{ name: "commonName", value: commonName }, { name: "organizationName", value: "PVE Cluster Node" }], {
      keyType,
      keySize: 2048,
      algorithm: "sha256",
      notAfterDate: new Date(Date.now() + 2 * 365 * 86400_000),
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: commonName }, { type: 2, value: "localhost" }, { type: 7, ip }] },
      ],
    }).then((r) => ({ key: r.private, cert: r.cert }));
    generated.set(cacheKey, pending);
    pending.catch(() => generated.delete(cacheKey));
  }
  return pending;
}

/** SHA-256 of the leaf certificate DER as `AB:CD:…` (what PVE shows and Pulse pins). */
export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.toUpperCase();
}
