// CallVault: check an audit event's inclusion proof in the browser (WebCrypto SHA-256),
// loaded by the audit event page only. Everything comes from the page's data-*
// attributes (CSP: script-src 'self', no inline script or data blocks).
//
// 1. The leaf hash, recomputed from the event's fields (format cv-audit-v1: each field
//    as a 4-byte big-endian length and its UTF-8 bytes, 0xFFFFFFFF for a missing one),
//    as SHA-256(0x00 || encoding), must equal the stored leaf hash.
// 2. The root, recomputed from the leaf hash and the audit path (RFC 9162 2.1.3.2, node
//    hash SHA-256(0x01 || left || right)), must equal the signed tree head's root.
// 3. Where the browser supports Ed25519, the head's signature over
//    "cv-sth-v1" 0x00 tenant_id 0x00 tree_size(u64) timestamp_ms(u64) root is checked too.
"use strict";

(function () {
  const FIELDS = [
    "tenant_id", "seq", "at_ms", "actor_type", "actor_id", "action", "resource_type",
    "resource_id", "outcome", "source_ip", "user_agent", "request_id", "reason", "hashed_terms",
  ];
  const encoder = new TextEncoder();

  function hexBytes(hex, what) {
    if (typeof hex !== "string" || !/^(?:[0-9a-fA-F]{2})*$/.test(hex)) {
      throw new Error(what + " is not hex");
    }
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }

  function hash32(hex, what) {
    const bytes = hexBytes(hex, what);
    if (bytes.length !== 32) throw new Error(what + " is not 32 bytes");
    return bytes;
  }

  function concat(parts) {
    const out = new Uint8Array(parts.reduce(function (n, p) { return n + p.length; }, 0));
    let at = 0;
    for (const part of parts) { out.set(part, at); at += part.length; }
    return out;
  }

  function u32(n) {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, n, false);
    return out;
  }

  function u64(text) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt(text), false);
    return out;
  }

  function equal(a, b) {
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
    return diff === 0;
  }

  function hex(bytes) {
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  function leafHash(data) { return sha256(concat([Uint8Array.of(0), data])); }
  function nodeHash(left, right) { return sha256(concat([Uint8Array.of(1), left, right])); }

  function encodeEvent(values) {
    const parts = [encoder.encode("cv-audit-v1")];
    for (const value of values) {
      if (value === null) { parts.push(Uint8Array.of(0xff, 0xff, 0xff, 0xff)); continue; }
      const raw = encoder.encode(value);
      parts.push(u32(raw.length), raw);
    }
    return concat(parts);
  }

  function bitLength(n) { return n === 0n ? 0 : n.toString(2).length; }
  function bitCount(n) { return n.toString(2).split("1").length - 1; }

  // RFC 9162 2.1.3.2: the root an inclusion proof implies (indices as BigInt).
  async function rootFromProof(leaf, index, size, path) {
    if (!(index >= 0n && index < size)) throw new Error("the leaf index is outside the tree");
    const inner = bitLength(index ^ (size - 1n));
    const expected = inner + bitCount(index >> BigInt(inner));
    if (path.length !== expected) {
      throw new Error("the audit path has " + path.length + " hashes, expected " + expected);
    }
    let fn = index, sn = size - 1n, root = leaf;
    for (const sibling of path) {
      if ((fn & 1n) === 1n || fn === sn) {
        root = await nodeHash(sibling, root);
        while (fn !== 0n && (fn & 1n) === 0n) { fn >>= 1n; sn >>= 1n; }
      } else {
        root = await nodeHash(root, sibling);
      }
      fn >>= 1n; sn >>= 1n;
    }
    return root;
  }

  function fieldValues(element) {
    return FIELDS.map(function (name) {
      const item = element.querySelector('[data-field="' + name + '"]');
      if (!item) throw new Error("the page does not show the event's " + name);
      return item.hasAttribute("data-value") ? item.getAttribute("data-value") : null;
    });
  }

  // The tree head's signature, or null when this browser has no Ed25519.
  async function signatureValid(data, root) {
    let key;
    try {
      key = await crypto.subtle.importKey(
        "raw", hash32(data.publicKey || "", "the public key"), { name: "Ed25519" }, false, ["verify"]
      );
    } catch (error) {
      if (error && error.name === "NotSupportedError") return null;
      throw error;
    }
    const message = concat([
      encoder.encode("cv-sth-v1"), Uint8Array.of(0), encoder.encode(data.tenantId || ""),
      Uint8Array.of(0), u64(data.treeSize), u64(data.headTimestampMs), root,
    ]);
    const signature = Uint8Array.from(atob(data.signature || ""), function (c) { return c.charCodeAt(0); });
    return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  }

  function show(element, id, ok, text) {
    const status = element.querySelector("#" + id) || document.getElementById(id);
    if (!status) return;
    status.textContent = text;
    status.dataset.verified = ok ? "true" : "false";
    status.classList.toggle("error", !ok);
    status.classList.toggle("verified", ok);
  }

  async function check(element) {
    const data = element.dataset;
    if (!window.crypto || !crypto.subtle) {
      throw new Error("this browser offers no WebCrypto here (it needs HTTPS)");
    }
    if (!data.rootHash) throw new Error("there is no signed tree head of size " + data.treeSize);
    const stored = hash32(data.leafHash, "the leaf hash");
    const recomputed = await leafHash(encodeEvent(fieldValues(element)));
    if (!equal(recomputed, stored)) {
      throw new Error("the event's fields do not hash to its leaf hash (" + hex(recomputed) + ")");
    }
    const path = (data.auditPath || "").split(/\s+/).filter(Boolean).map(function (h) {
      return hash32(h, "an audit path hash");
    });
    const root = await rootFromProof(stored, BigInt(data.leafIndex), BigInt(data.treeSize), path);
    const signed = hash32(data.rootHash, "the signed root");
    if (!equal(root, signed)) {
      throw new Error("the audit path leads to root " + hex(root) + ", not the signed head's root");
    }
    return signatureValid(data, signed);
  }

  // Check the proof in ``element`` (the #proof section), show the verdict in
  // #proof-status (data-verified="true|false") and resolve to it. Only the latest
  // check of an element writes its verdict.
  async function verify(element) {
    const run = (Number(element.dataset.checkRun || "0") + 1).toString();
    element.dataset.checkRun = run;
    let ok = false, text, signed, signatureText;
    try {
      signed = await check(element);
      if (signed === false) {
        text = "Proof NOT verified: the tree head's Ed25519 signature does not verify.";
      } else {
        ok = true;
        text = "Proof verified against tree head of size " + element.dataset.treeSize +
          ": the event's leaf hash and the audit path lead to the signed root.";
      }
    } catch (error) {
      text = "Proof NOT verified: " + (error && error.message ? error.message : String(error));
    }
    if (signed === true) {
      signatureText = "The tree head's Ed25519 signature verifies with key " + element.dataset.publicKey + ".";
    } else if (signed === undefined) {
      signatureText = "The signature was not checked: the proof above did not verify.";
    } else if (signed === null) {
      signatureText = "This browser cannot check the Ed25519 signature here; `callvault audit verify` checks every signed head.";
    } else {
      signatureText = "The tree head's Ed25519 signature does not verify.";
    }
    if (element.dataset.checkRun === run) {
      show(element, "proof-status", ok, text);
      show(element, "signature-status", signed === true, signatureText);
    }
    return ok;
  }

  window.callvaultVerifyProof = verify;

  function start() {
    const element = document.getElementById("proof");
    if (element) verify(element);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
