//! Password hashing: argon2id, a few hashes at a time, each in working memory reused from one
//! hash to the next.
//!
//! A hash is where a client can make the server work hardest, and argon2 is memory-hard on
//! purpose: about 19 MiB a hash. Two things bound it. At most [`limit_concurrent`] hashes run at
//! once in the process; the rest wait for a slot. And each slot's 19 MiB is allocated once and
//! kept: allocating and freeing it per hash made glibc raise its mmap threshold and keep the
//! freed blocks in its arenas, so that 32 logins took the process to 420 MB and it never gave
//! the memory back. With the buffers reused, the process holds slots × 19 MiB at most.

use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

struct Pool {
    slots: Arc<Semaphore>,
    /// Working memory of finished hashes, for the next ones (never more than the slots).
    buffers: Mutex<Vec<Vec<Block>>>,
}

static POOL: OnceLock<Pool> = OnceLock::new();

fn pool_of(n: usize) -> Pool {
    Pool {
        slots: Arc::new(Semaphore::new(n.max(1))),
        buffers: Mutex::new(Vec::new()),
    }
}

/// How many hashes may run at once in this process (default 2). Set once at start; later calls
/// change nothing.
pub fn limit_concurrent(n: usize) {
    let _ = POOL.set(pool_of(n));
}

fn pool() -> &'static Pool {
    POOL.get_or_init(|| pool_of(2))
}

/// Runs `work` off the async runtime once a slot is free, with a slot's working memory. The
/// slot goes with the work: a request dropped while its hash runs still holds the slot until
/// the hash ends, so the bound is on hashes running, not on requests waiting.
async fn with_memory<T: Send + 'static>(
    work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
) -> Result<T, String> {
    let pool = pool();
    let slot = pool
        .slots
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || {
        let reused = pool.buffers.lock().ok().and_then(|mut b| b.pop());
        let mut memory = reused.unwrap_or_default();
        let done = work(&mut memory);
        if let Ok(mut buffers) = pool.buffers.lock() {
            buffers.push(memory);
        }
        drop(slot);
        done
    })
    .await
    .map_err(|e| e.to_string())
}

/// One argon2 computation into `out`, in `memory` (grown to what `params` needs).
fn compute(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
    memory: &mut Vec<Block>,
) -> Result<(), argon2::Error> {
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password,
        salt,
        out,
        &mut memory[..blocks],
    )
}

/// A new argon2id PHC string for `password`, with a random salt and the default parameters.
pub async fn hash(password: String) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    with_memory(move |memory| {
        let params = Params::default();
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt
            .as_salt()
            .decode_b64(&mut salt_bytes)
            .map_err(|e| e.to_string())?;
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        compute(
            Algorithm::Argon2id,
            Version::V0x13,
            params.clone(),
            password.as_bytes(),
            salt_bytes,
            &mut out,
            memory,
        )
        .map_err(|e| e.to_string())?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(|e| e.to_string())?,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
        };
        Ok(phc.to_string())
    })
    .await?
}

/// Whether `password` matches the PHC string (false for a string that does not parse).
pub async fn verify(password: String, phc: String) -> Result<bool, String> {
    with_memory(move |memory| {
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
            Algorithm::try_from(parsed.algorithm),
            Params::try_from(&parsed),
            parsed.salt,
            parsed.hash,
        ) else {
            return false;
        };
        let version = parsed
            .version
            .map_or(Ok(Version::default()), Version::try_from)
            .unwrap_or_default();
        let mut salt_bytes = [0u8; 64];
        let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
            return false;
        };
        let mut out = vec![0u8; expected.len()];
        compute(
            algorithm,
            version,
            params,
            password.as_bytes(),
            salt,
            &mut out,
            memory,
        )
        .is_ok()
            // `Output`'s equality takes the same time wherever the bytes differ.
            && Output::new(&out).is_ok_and(|got| got == expected)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only_and_reads_as_the_argon2_crate_writes() {
        use argon2::PasswordVerifier;
        let phc = hash("correct horse battery".to_owned()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify("correct horse battery".to_owned(), phc.clone())
                .await
                .unwrap()
        );
        assert!(
            !verify("wrong horse battery".to_owned(), phc.clone())
                .await
                .unwrap()
        );
        assert!(
            !verify("x".to_owned(), "not a phc".to_owned())
                .await
                .unwrap()
        );
        // The argon2 crate's own verifier agrees with ours, both ways.
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        use argon2::PasswordHasher;
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let theirs = Argon2::default()
            .hash_password(b"another password", &salt)
            .unwrap()
            .to_string();
        assert!(verify("another password".to_owned(), theirs).await.unwrap());
    }
}
