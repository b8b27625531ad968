//! Pieces of the explorer's owner mode that are not a window: the cut/paste clipboard, names
//! for new items, sizes for people, and uploads through `XMLHttpRequest` (for its progress).

use leptos::prelude::*;

use super::{Entry, NodeKind};

thread_local! {
    /// Paths cut with Ctrl+X, shared by every explorer window of the page. Reference-counted,
    /// so closing the window that cut them does not drop them.
    static CLIPBOARD: ArcRwSignal<Vec<String>> = ArcRwSignal::new(Vec::new());
}

/// The page's cut items (paths), reactive.
pub fn clipboard() -> ArcRwSignal<Vec<String>> {
    CLIPBOARD.with(Clone::clone)
}

/// `base` (or `base 2`, `base 3`…) that no entry of `entries` already uses, ignoring case.
/// `ext` goes after the number: `untitled-2.md`.
pub fn free_name(entries: &[Entry], base: &str, ext: &str) -> String {
    let taken = |candidate: &str| {
        entries
            .iter()
            .any(|e| e.name.to_lowercase() == candidate.to_lowercase())
    };
    let first = format!("{base}{ext}");
    if !taken(&first) {
        return first;
    }
    let sep = if ext.is_empty() { " " } else { "-" };
    (2..)
        .map(|n| format!("{base}{sep}{n}{ext}"))
        .find(|c| !taken(c))
        .unwrap_or(first)
}

/// Files the editor can open: anything that is not an uploaded image or PDF.
pub fn is_editable(entry: &Entry) -> bool {
    const BINARY: [&str; 8] = [
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".pdf", ".ico",
    ];
    let lower = entry.name.to_lowercase();
    entry.kind == NodeKind::File && !BINARY.iter().any(|ext| lower.ends_with(ext))
}

/// `1.2 MB`, `340 KB`, `12 B`.
pub fn human_size(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    if b < 1024.0 {
        format!("{bytes} B")
    } else if b < 1024.0 * 1024.0 {
        format!("{:.0} KB", b / 1024.0)
    } else {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    }
}

/// The address of `POST /upload` for a file `name` going into `folder`.
pub fn upload_url(folder: &str, name: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    format!(
        "/upload?folder={}&name={}",
        utf8_percent_encode(folder, NON_ALPHANUMERIC),
        utf8_percent_encode(name, NON_ALPHANUMERIC)
    )
}

/// Where one upload stands.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadState {
    /// Sent fraction, 0 to 1.
    Sending(f64),
    Done,
    /// The server's message (or ours when it could not be reached).
    Failed(String),
}

/// One file being uploaded, shown with its progress bar.
#[derive(Debug, Clone)]
pub struct UploadRow {
    pub id: u64,
    pub name: String,
    pub folder: String,
    pub state: ArcRwSignal<UploadState>,
}

/// Sends `file` to `folder` with progress; `done` runs once, after a successful upload.
/// The message for an unreachable server is passed in, already translated.
#[cfg(feature = "hydrate")]
pub fn send_upload(
    file: &web_sys::File,
    row: &UploadRow,
    network_message: String,
    done: impl FnOnce() + 'static,
) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let fail = {
        let state = row.state.clone();
        move |message: String| state.set(UploadState::Failed(message))
    };
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        fail(network_message);
        return;
    };
    if xhr
        .open("POST", &upload_url(&row.folder, &row.name))
        .is_err()
    {
        fail(network_message);
        return;
    }
    let state = row.state.clone();
    let progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
            if ev.length_computable() && ev.total() > 0.0 {
                state.set(UploadState::Sending(ev.loaded() / ev.total()));
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let state = row.state.clone();
    let answered = xhr.clone();
    let mut done = Some(done);
    let load = Closure::<dyn FnMut()>::new(move || {
        let status = answered.status().unwrap_or(0);
        if status == 201 {
            state.set(UploadState::Done);
            if let Some(done) = done.take() {
                done();
            }
            return;
        }
        let text = answered.response_text().ok().flatten().unwrap_or_default();
        let message = serde_json::from_str::<crate::core::error::ErrorBody>(&text)
            .map(|body| body.message)
            .unwrap_or_else(|_| format!("The server answered {status}."));
        state.set(UploadState::Failed(message));
    });
    xhr.set_onload(Some(load.as_ref().unchecked_ref()));
    let state = row.state.clone();
    let error = Closure::<dyn FnMut()>::new(move || {
        state.set(UploadState::Failed(network_message.clone()));
    });
    xhr.set_onerror(Some(error.as_ref().unchecked_ref()));
    if xhr.send_with_opt_blob(Some(file)).is_err() {
        fail("The file could not be read.".to_string());
    }
    // The request owns its handlers from here on; they are small and run at most a few times.
    progress.forget();
    load.forget();
    error.forget();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> Entry {
        Entry {
            name: name.into(),
            kind: NodeKind::File,
            path: format!("/{name}"),
            size: 0,
        }
    }

    #[test]
    fn new_names_skip_the_ones_taken_ignoring_case() {
        let entries = [
            entry("untitled.md"),
            entry("Untitled-2.md"),
            entry("New folder"),
        ];
        assert_eq!(free_name(&entries, "untitled", ".md"), "untitled-3.md");
        assert_eq!(free_name(&entries, "New folder", ""), "New folder 2");
        assert_eq!(free_name(&[], "untitled", ".md"), "untitled.md");
    }

    #[test]
    fn images_and_pdfs_are_not_editable() {
        assert!(is_editable(&entry("notes.md")));
        assert!(is_editable(&entry("todo.txt")));
        assert!(!is_editable(&entry("Photo.PNG")));
        assert!(!is_editable(&entry("cv.pdf")));
    }

    #[test]
    fn upload_addresses_encode_folder_and_name() {
        assert_eq!(
            upload_url("/my pics", "a&b.png"),
            "/upload?folder=%2Fmy%20pics&name=a%26b%2Epng"
        );
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(3 * 1024 * 1024 / 2), "1.5 MB");
    }
}
