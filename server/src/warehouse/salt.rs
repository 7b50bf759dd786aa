//! The pseudonymization salt and the Rust pseudonymizer.
//!
//! A user's pseudonym is `sipHash64(unhex(salt) ‖ lower(address))` (spec §3.1): SipHash-2-4 with
//! a zero key over the salt's raw bytes followed by the address, ASCII-lowercased. The salt comes
//! from `CEREBRO_PII_SALT`, hex-encoded (`openssl rand -hex 32`). It is secret and permanent:
//! rotating it orphans every stored pseudonym, and an empty salt would make the hash an unkeyed,
//! reversible function of the address, so a missing, empty, odd-length or non-hex salt is refused.
//!
//! The salt never appears in a message, a log or SQL text: [`Salt`]'s `Debug` is redacted, the
//! errors name the variable and the kind of problem but not the value, and ClickHouse receives it
//! only as a bound query parameter ([`Salt::hex`] with `{salt:String}`).
//!
//! [`pseudonym`] is the same function in Rust, bit for bit (checked against ClickHouse by the
//! integration tests over ≥ 10 000 addresses).

use std::fmt;
use std::hash::Hasher;

use siphasher::sip::SipHasher24;

use super::{Error, Result};

/// The environment variable holding the hex-encoded salt.
pub const SALT_ENV: &str = "CEREBRO_PII_SALT";

/// A validated pseudonymization salt. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Salt {
    bytes: Vec<u8>,
    hex: String,
}

impl Salt {
    /// Reads and validates [`SALT_ENV`].
    pub fn from_env() -> Result<Salt> {
        match std::env::var_os(SALT_ENV) {
            None => Err(Error::SaltMissing { var: SALT_ENV }),
            Some(value) => match value.into_string() {
                Ok(text) => Salt::from_hex(&text),
                Err(_) => Err(Error::SaltNotHex {
                    var: SALT_ENV,
                    position: None,
                }),
            },
        }
    }

    /// Validates a hex-encoded salt: non-empty, even length, `[0-9a-fA-F]` only.
    ///
    /// Errors name [`SALT_ENV`], the variable the salt is normally read from.
    pub fn from_hex(text: &str) -> Result<Salt> {
        let var = SALT_ENV;
        if text.is_empty() {
            return Err(Error::SaltEmpty { var });
        }
        if let Some(position) = text.bytes().position(|b| !b.is_ascii_hexdigit()) {
            return Err(Error::SaltNotHex {
                var,
                position: Some(position),
            });
        }
        if !text.len().is_multiple_of(2) {
            return Err(Error::SaltOddLength {
                var,
                len: text.len(),
            });
        }
        let bytes = text
            .as_bytes()
            .chunks_exact(2)
            .map(|pair| (hex_value(pair[0]) << 4) | hex_value(pair[1]))
            .collect();
        Ok(Salt {
            bytes,
            hex: text.to_ascii_lowercase(),
        })
    }

    /// The raw salt bytes (`unhex` of the hex text).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The salt as lowercase hex: the value to bind as a `{salt:String}` query parameter. Never
    /// splice it into SQL text, and never log it.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// The pseudonym of `address` under this salt.
    pub fn pseudonym(&self, address: &str) -> u64 {
        pseudonym(&self.bytes, address)
    }
}

impl fmt::Debug for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Salt(<{} bytes, redacted>)", self.bytes.len())
    }
}

/// `sipHash64(salt ‖ lower(address))` as ClickHouse computes it: SipHash-2-4, keys (0, 0), over
/// the raw salt bytes then the address with ASCII letters lowercased (ClickHouse's `lower`, not
/// `lowerUTF8`: other bytes pass through unchanged).
///
/// The bytes are written straight into the hasher: hashing through `Hash` would add a length
/// prefix and give a different value.
pub fn pseudonym(salt: &[u8], address: &str) -> u64 {
    let mut hasher = SipHasher24::new_with_keys(0, 0);
    hasher.write(salt);
    let mut lowered = [0u8; 256];
    for piece in address.as_bytes().chunks(lowered.len()) {
        let out = &mut lowered[..piece.len()];
        out.copy_from_slice(piece);
        out.make_ascii_lowercase();
        hasher.write(out);
    }
    hasher.finish()
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => unreachable!("validated as a hex digit before decoding"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_SALT: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    /// Spec §3.1, checked in chDB.
    #[test]
    fn spec_vectors() {
        let salt = Salt::from_hex(TEST_SALT).expect("the spec's test salt is valid");
        let cases = [
            (
                "0x0000000000000000000000000000000000000001",
                15850171989438505234,
            ),
            (
                "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01",
                17726388520735018759,
            ),
            (
                "0xabcdef0123456789abcdef0123456789abcdef01",
                17726388520735018759,
            ),
            ("$device:1234", 13104846475835061982),
        ];
        for (address, expected) in cases {
            assert_eq!(salt.pseudonym(address), expected, "{address}");
        }
    }

    /// Spec §2.6: `sipHash64('') = 2202906307356721367`.
    #[test]
    fn empty_input_is_plain_siphash() {
        assert_eq!(pseudonym(&[], ""), 2202906307356721367);
    }

    #[test]
    fn long_and_non_ascii_addresses_lowercase_ascii_only() {
        let long = "A".repeat(1000);
        let mut hasher = SipHasher24::new_with_keys(0, 0);
        hasher.write(&[1, 2]);
        hasher.write("a".repeat(1000).as_bytes());
        assert_eq!(pseudonym(&[1, 2], &long), hasher.finish());
        // `Ä` is not ASCII: ClickHouse's `lower` leaves its bytes alone.
        assert_ne!(pseudonym(&[], "Ä"), pseudonym(&[], "ä"));
        assert_eq!(pseudonym(&[], "XÄ"), pseudonym(&[], "xÄ"));
    }

    #[test]
    fn salt_is_validated_without_echoing_it() {
        let secret = "deadbeefcafe";
        let cases = [
            ("", "empty"),
            ("abc", "odd number"),
            ("zz", "not hex"),
            ("deadbeefcafe g", "not hex"),
        ];
        for (text, expected) in cases {
            let message = Salt::from_hex(text).expect_err("invalid salt").to_string();
            assert!(message.contains(expected), "{message}");
            assert!(message.contains(SALT_ENV), "{message}");
        }
        let odd = format!("{secret}0");
        let message = Salt::from_hex(&odd).expect_err("odd length").to_string();
        assert!(!message.contains(secret), "{message}");
        let salt = Salt::from_hex("DEADBEEF").expect("valid");
        assert_eq!(salt.bytes(), &[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(salt.hex(), "deadbeef");
        assert!(!format!("{salt:?}").contains("dead"));
    }
}
