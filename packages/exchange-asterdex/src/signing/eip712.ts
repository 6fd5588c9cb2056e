// V3 request signing: an EIP-712 typed-data signature over one string field, `msg`, which is
// the request's parameter string exactly as sent (minus the trailing signature). The domain is
// fixed except for the chain id (1666 mainnet, 714 testnet). The signer is the API wallet
// ("agent") key, never the main wallet.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { EngineError } from '@mm/core';

export const MAINNET_CHAIN_ID = 1666;
export const TESTNET_CHAIN_ID = 714;

const DOMAIN_NAME = 'AsterSignTransaction';
const DOMAIN_VERSION = '1';
const encoder = new TextEncoder();

function keccakText(text: string): Uint8Array {
  return keccak_256(encoder.encode(text));
}

const DOMAIN_TYPE_HASH = keccakText('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)');
const MESSAGE_TYPE_HASH = keccakText('Message(string msg)');

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function uint256(value: bigint): Uint8Array {
  return hexToBytes(value.toString(16).padStart(64, '0'));
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new EngineError('INVALID_ARGUMENT', 'expected an even-length hexadecimal string');
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

const separators = new Map<number, Uint8Array>();

/** EIP-712 domain separator of the Aster signing domain for a chain. */
export function domainSeparator(chainId: number): Uint8Array {
  let sep = separators.get(chainId);
  if (sep === undefined) {
    // verifyingContract is the zero address, encoded as 32 zero bytes
    sep = keccak_256(concat(DOMAIN_TYPE_HASH, keccakText(DOMAIN_NAME), keccakText(DOMAIN_VERSION), uint256(BigInt(chainId)), new Uint8Array(32)));
    separators.set(chainId, sep);
  }
  return sep;
}

/** The 32-byte digest that is signed for `msg`. */
export function messageDigest(msg: string, chainId: number): Uint8Array {
  const structHash = keccak_256(concat(MESSAGE_TYPE_HASH, keccakText(msg)));
  return keccak_256(concat(new Uint8Array([0x19, 0x01]), domainSeparator(chainId), structHash));
}

/** 0x-prefixed 65-byte r‖s‖v signature (v = 27/28), as Ethereum wallets produce it. */
export function signMessage(msg: string, privateKey: Uint8Array, chainId: number): string {
  const recovered = secp256k1.sign(messageDigest(msg, chainId), privateKey, { prehash: false, format: 'recovered' });
  // noble puts the recovery bit first; Ethereum puts it last and adds 27
  return `0x${bytesToHex(recovered.subarray(1))}${(27 + recovered[0]!).toString(16)}`;
}

/** Checksummed (EIP-55) address of a private key. */
export function addressOf(privateKey: Uint8Array): string {
  return addressFromPublicKey(secp256k1.getPublicKey(privateKey, false));
}

/** The address that produced `signature` over `msg`, or undefined if it does not parse. */
export function recoverSigner(msg: string, signature: string, chainId: number): string | undefined {
  try {
    const bytes = hexToBytes(signature);
    if (bytes.length !== 65) return undefined;
    const v = bytes[64]!;
    const recovery = v >= 27 ? v - 27 : v;
    if (recovery !== 0 && recovery !== 1) return undefined;
    const recovered = concat(new Uint8Array([recovery]), bytes.subarray(0, 64));
    const publicKey = secp256k1.recoverPublicKey(recovered, messageDigest(msg, chainId), { prehash: false });
    return addressFromPublicKey(secp256k1.Point.fromBytes(publicKey).toBytes(false));
  } catch {
    return undefined;
  }
}

/** Parses a 32-byte private key given as hex (with or without 0x). */
export function parsePrivateKey(hex: string): Uint8Array {
  const key = hexToBytes(hex.trim());
  if (key.length !== 32 || !secp256k1.utils.isValidSecretKey(key)) {
    throw new EngineError('INVALID_CONFIG', 'the V3 signer private key must be 32 bytes of hex (64 hex digits, optional 0x prefix)');
  }
  return key;
}

export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function addressFromPublicKey(uncompressed: Uint8Array): string {
  const lower = bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12));
  const hash = bytesToHex(keccak_256(encoder.encode(lower)));
  let out = '0x';
  for (let i = 0; i < lower.length; i++) out += Number.parseInt(hash[i]!, 16) >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  return out;
}
