//! Random secrets mailed or set in cookies, and the hashes the database keeps instead of them.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh random secret, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores instead of a secret token, so that a copy of the database opens
/// no account.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
