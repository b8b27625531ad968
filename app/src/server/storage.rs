//! Where uploaded bytes live: a local directory by default, an S3-compatible bucket when one is
//! configured. The database keeps the metadata (`uploads`); storage only maps keys to bytes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::{Body, Bytes};

/// Uploads up to this size are accepted unless `UPLOAD_MAX_BYTES` says otherwise.
pub const DEFAULT_UPLOAD_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// The local folder used unless `STORAGE_DIR` says otherwise.
pub const DEFAULT_STORAGE_DIR: &str = "data/uploads";

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("storage key {0:?} is not one this application makes")]
    BadKey(String),
    #[error("local storage: {0}")]
    Io(#[from] std::io::Error),
    #[error("object store: {0}")]
    ObjectStore(#[from] object_store::Error),
}

/// Stored bytes, ready to stream into a response.
pub struct StoredObject {
    pub size: u64,
    pub body: Body,
}

/// Bytes by key. Keys are made by the application (`<tenant>/<random hex>`), never by users.
#[async_trait::async_trait]
pub trait Storage: Send + Sync + 'static {
    /// Stores `bytes` under `key`, replacing what was there; readers never see half a file.
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError>;
    /// The bytes under `key`, or `None` when nothing is stored there.
    async fn get(&self, key: &str) -> Result<Option<StoredObject>, StorageError>;
    /// Removes `key`; removing what is not there is not an error.
    async fn delete(&self, key: &str) -> Result<(), StorageError>;
    /// Where the bytes go, for the start-up log.
    fn describe(&self) -> String;
}

/// Lower-case letters, digits, `-` and `_`, in `/`-separated non-empty segments: nothing that
/// could climb out of the storage folder.
fn check_key(key: &str) -> Result<(), StorageError> {
    let valid = !key.is_empty()
        && key.len() <= 200
        && key.split('/').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        });
    if valid {
        Ok(())
    } else {
        Err(StorageError::BadKey(key.to_string()))
    }
}

/// Files under one folder, created on the first upload.
pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    pub fn new(root: impl Into<PathBuf>) -> LocalStorage {
        LocalStorage { root: root.into() }
    }

    fn path(&self, key: &str) -> Result<PathBuf, StorageError> {
        check_key(key)?;
        Ok(self.root.join(Path::new(key)))
    }
}

#[async_trait::async_trait]
impl Storage for LocalStorage {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        let path = self.path(key)?;
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        // Written beside the target and renamed into place, so a crash leaves no torn file.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let partial = path.with_extension(format!("part{nanos}"));
        if let Err(err) = tokio::fs::write(&partial, &bytes).await {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(err.into());
        }
        if let Err(err) = tokio::fs::rename(&partial, &path).await {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(err.into());
        }
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<StoredObject>, StorageError> {
        let path = self.path(key)?;
        let file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err.into()),
        };
        let size = file.metadata().await?.len();
        Ok(Some(StoredObject {
            size,
            body: Body::from_stream(tokio_util::io::ReaderStream::new(file)),
        }))
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    fn describe(&self) -> String {
        format!("local folder {}", self.root.display())
    }
}

/// Any `object_store` backend; used for S3-compatible buckets.
pub struct ObjectStorage {
    store: Arc<dyn object_store::ObjectStore>,
    label: String,
}

impl ObjectStorage {
    pub fn new(store: Arc<dyn object_store::ObjectStore>, label: impl Into<String>) -> Self {
        ObjectStorage {
            store,
            label: label.into(),
        }
    }
}

fn object_path(key: &str) -> Result<object_store::path::Path, StorageError> {
    check_key(key)?;
    Ok(object_store::path::Path::from(key))
}

#[async_trait::async_trait]
impl Storage for ObjectStorage {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        self.store
            .put(&object_path(key)?, object_store::PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<StoredObject>, StorageError> {
        match self.store.get(&object_path(key)?).await {
            Ok(result) => Ok(Some(StoredObject {
                size: result.meta.size,
                body: Body::from_stream(result.into_stream()),
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.store.delete(&object_path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    fn describe(&self) -> String {
        self.label.clone()
    }
}

/// Settings of an S3-compatible bucket (`S3_*`); unset values fall back to the usual `AWS_*`
/// environment variables (and instance credentials).
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    pub bucket: String,
    pub region: Option<String>,
    /// For MinIO, R2, Ceph and the like; `http://` endpoints are allowed (local clusters).
    pub endpoint: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

impl ObjectStorage {
    pub fn s3(settings: &S3Settings) -> Result<ObjectStorage, StorageError> {
        let mut builder =
            object_store::aws::AmazonS3Builder::from_env().with_bucket_name(&settings.bucket);
        if let Some(region) = &settings.region {
            builder = builder.with_region(region);
        }
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(id) = &settings.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &settings.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder.build()?;
        Ok(ObjectStorage::new(
            Arc::new(store),
            format!("S3 bucket {}", settings.bucket),
        ))
    }
}

/// Upload storage and its size limit, shared by every request.
#[derive(Clone)]
pub struct Uploads {
    pub storage: Arc<dyn Storage>,
    pub max_bytes: u64,
}

impl Default for Uploads {
    fn default() -> Self {
        Uploads {
            storage: Arc::new(LocalStorage::new(DEFAULT_STORAGE_DIR)),
            max_bytes: DEFAULT_UPLOAD_MAX_BYTES,
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a test fails loudly")]
mod tests {
    use super::*;

    async fn round_trip(storage: &dyn Storage) {
        assert!(storage.get("1/abc").await.unwrap().is_none());
        storage
            .put("1/abc", Bytes::from_static(b"hello"))
            .await
            .unwrap();
        storage
            .put("1/abc", Bytes::from_static(b"hello, world"))
            .await
            .unwrap();
        let got = storage.get("1/abc").await.unwrap().unwrap();
        assert_eq!(got.size, 12);
        let bytes = axum::body::to_bytes(got.body, 1024).await.unwrap();
        assert_eq!(&bytes[..], b"hello, world");
        storage.delete("1/abc").await.unwrap();
        storage.delete("1/abc").await.unwrap();
        assert!(storage.get("1/abc").await.unwrap().is_none());
        for bad in ["", "../x", "1/../../etc", "/abs", "a//b", "A/B", "x.y"] {
            assert!(
                storage.put(bad, Bytes::new()).await.is_err(),
                "{bad:?} must be refused"
            );
        }
    }

    #[tokio::test]
    async fn local_storage_stores_replaces_and_deletes() {
        let dir = std::env::temp_dir().join(format!("deskfolio-storage-{}", std::process::id()));
        let storage = LocalStorage::new(&dir);
        round_trip(&storage).await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn object_storage_stores_replaces_and_deletes() {
        let storage = ObjectStorage::new(Arc::new(object_store::memory::InMemory::new()), "memory");
        round_trip(&storage).await;
    }
}
