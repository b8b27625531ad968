//! Language and theme. Every UI string is a `Msg`; `text` matches exhaustively on both
//! languages, so a string missing a translation does not compile.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const LANG_COOKIE: &str = "deskfolio_lang";
pub const THEME_COOKIE: &str = "deskfolio_theme";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

impl Theme {
    pub const ALL: [Theme; 2] = [Theme::Dark, Theme::Light];

    pub fn code(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
        }
    }

    pub fn parse(code: &str) -> Option<Theme> {
        match code.trim() {
            "dark" => Some(Theme::Dark),
            "light" => Some(Theme::Light),
            _ => None,
        }
    }
}

/// The visitor's language and theme for this page, shared by every component through context.
#[derive(Clone, Copy)]
pub struct Prefs {
    pub lang: RwSignal<Lang>,
    pub theme: RwSignal<Theme>,
}

impl Prefs {
    pub fn provide(lang: Lang, theme: Theme) -> Prefs {
        let prefs = Prefs {
            lang: RwSignal::new(lang),
            theme: RwSignal::new(theme),
        };
        provide_context(prefs);
        prefs
    }

    pub fn expect() -> Prefs {
        use_context::<Prefs>().unwrap_or_else(|| Prefs::provide(Lang::En, Theme::Dark))
    }

    /// The message in the current language (reactive when called inside a closure).
    pub fn t(&self, msg: Msg) -> &'static str {
        text(self.lang.get(), msg)
    }

    /// Switches language and remembers the choice in a cookie, so the server renders it next time.
    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        remember(LANG_COOKIE, lang.code());
    }

    pub fn set_theme(&self, theme: Theme) {
        self.theme.set(theme);
        remember(THEME_COOKIE, theme.code());
    }
}

fn remember(name: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(doc) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        {
            // A year; host-only and readable by the server when it renders the next page.
            let _ = doc.set_cookie(&format!(
                "{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax"
            ));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, value);
}

/// Picks the language for a request: the visitor's cookie, then `Accept-Language`, then the
/// tenant's default.
pub fn negotiate_lang(cookie: Option<&str>, accept_language: Option<&str>, fallback: Lang) -> Lang {
    if let Some(lang) = cookie.and_then(Lang::parse) {
        return lang;
    }
    if let Some(header) = accept_language {
        let mut ranges: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let q = pieces
                    .find_map(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|q| q.parse::<f32>().ok())
                    })
                    .unwrap_or(1.0);
                (!tag.is_empty() && q > 0.0).then_some((q, tag))
            })
            .collect();
        ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
        if let Some(lang) = ranges.iter().find_map(|(_, tag)| Lang::parse(tag)) {
            return lang;
        }
    }
    fallback
}

/// Every string the interface shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    NotFoundTitle,
    NotFoundBody,
    NotFoundRegister,
    PageNotFound,
    BackToDesktop,
    Loading,
    FileExplorer,
    Viewer,
    Home,
    Back,
    Up,
    Folders,
    EmptyFolder,
    NewFolder,
    NewFile,
    NewFolderName,
    NewFileName,
    Upload,
    UploadHere,
    ChooseFiles,
    Rename,
    Edit,
    Cut,
    Paste,
    MoreActions,
    Actions,
    SearchFiles,
    NoResults,
    Results,
    MovedOneToTrash,
    MovedToTrash,
    ConfirmDeleteFolder,
    MoveToTrash,
    Cancel,
    Dismiss,
    Uploading,
    Uploaded,
    UploadNetwork,
    DropHere,
    EmptyTrash,
    TrashIsEmpty,
    TrashKeeps,
    DeleteForever,
    ConfirmDeleteForever,
    ConfirmEmptyTrash,
    TrashEmptied,
    DeletedForever,
    OriginalLocation,
    DeletedAt,
    ItemsInside,
    Minimize,
    Maximize,
    Restore,
    Close,
    Open,
    Start,
    Language,
    Theme,
    ThemeDark,
    ThemeLight,
    Name,
    Kind,
    Folder,
    File,
    Size,
    Taskbar,
    Desktop,
    Retry,
    LandingTitle,
    LandingTagline,
    LandingPitch1,
    LandingPitch2,
    LandingPitch3,
    RegisterTitle,
    Username,
    UsernameHint,
    Email,
    EmailOptional,
    Password,
    PasswordHint,
    CreatePortfolio,
    Creating,
    Checking,
    Available,
    Taken,
    Created,
    SeeDemo,
    Breadcrumbs,
    ResizeWindow,
    OpenWindows,
    Terminal,
    Search,
    NewMemory,
    Deleted,
    Undo,
    NoMemories,
    PickMemory,
    Title,
    Content,
    Keywords,
    Priority,
    Active,
    Save,
    Saved,
    Delete,
    NewPersonality,
    Description,
    Tone,
    Greeting,
    SystemPrompt,
    Memories,
    Personality,
    Assistant,
    ChatPlaceholder,
    Send,
    Stop,
    Preview,
    ChatEmpty,
    ChatTooLong,
    ChatFailed,
    ChatStopped,
    ChatNetwork,
    ChatRemaining,
    ChatLimitReached,
    ChatLimitLocal,
    LogIn,
    LogOut,
    Account,
    LoginTitle,
    LoginWrong,
    LoginThrottled,
    LoginMissing,
    LoginElsewhere,
    LoggedInAs,
    ChangePassword,
    CurrentPassword,
    NewPassword,
    PasswordChanged,
    Saving,
    OwnerMode,
    Admin,
    AdminPlan,
    AdminStatus,
    AdminActive,
    AdminDisabled,
    AdminEnable,
    AdminDisable,
    AdminNoTenants,
    Contact,
    ContactName,
    ContactEmail,
    ContactMessage,
    ContactSent,
    ContactNone,
    ContactInbox,
    ContactMarkRead,
    ContactMarkUnread,
    Editor,
    Trash,
    /// The editor's status line and its conflict banner.
    EditorUnsaved,
    EditorSaveButton,
    EditorConflict,
    EditorOverwrite,
    EditorLoadTheirs,
    EditorDiscardConfirm,
    EditorCloseConfirm,
    EditorSource,
    EditorPreview,
    EditorLoadFailed,
    /// The viewer's tools for the owner and for binary files.
    ViewerEdit,
    ViewerDownload,
    ViewerFit,
    ViewerActualSize,
    ViewerNoPreview,
}

pub fn text(lang: Lang, msg: Msg) -> &'static str {
    use Msg::*;
    match lang {
        Lang::En => match msg {
            NotFoundTitle => "This portfolio does not exist",
            NotFoundBody => "Nobody has claimed this address yet:",
            NotFoundRegister => "Claim it — create your portfolio",
            PageNotFound => "There is no page at this address.",
            BackToDesktop => "Back to the desktop",
            Loading => "Loading…",
            FileExplorer => "File Explorer",
            Viewer => "Viewer",
            Home => "Home",
            Back => "Back",
            Up => "Up one level",
            Folders => "Folders",
            EmptyFolder => "This folder is empty.",
            NewFolder => "New folder",
            NewFile => "New file",
            NewFolderName => "New folder",
            NewFileName => "untitled",
            Upload => "Upload",
            UploadHere => "Upload here",
            ChooseFiles => "Choose files to upload",
            Rename => "Rename",
            Edit => "Edit",
            Cut => "Cut",
            Paste => "Paste",
            MoreActions => "More actions",
            Actions => "Actions",
            SearchFiles => "Search files",
            NoResults => "Nothing matches “{{query}}”.",
            Results => "Results",
            MovedOneToTrash => "Moved 1 item to the trash",
            MovedToTrash => "Moved {{n}} items to the trash",
            ConfirmDeleteFolder => {
                "“{{names}}” is not empty. Move it and everything in it to the trash?"
            }
            MoveToTrash => "Move to trash",
            Cancel => "Cancel",
            Dismiss => "Dismiss",
            Uploading => "Uploading",
            Uploaded => "Uploaded",
            UploadNetwork => {
                "The upload did not reach the server. Check your connection and try again."
            }
            DropHere => "Drop files here to upload them",
            EmptyTrash => "Empty trash",
            TrashIsEmpty => "The trash is empty.",
            TrashKeeps => "Deleted items stay here for 30 days, then they are removed for good.",
            DeleteForever => "Delete forever",
            ConfirmDeleteForever => "Delete “{{name}}” for good? This cannot be undone.",
            ConfirmEmptyTrash => {
                "Delete all {{n}} items in the trash for good? This cannot be undone."
            }
            TrashEmptied => "The trash is empty now.",
            DeletedForever => "“{{name}}” was deleted for good.",
            OriginalLocation => "Original location",
            DeletedAt => "Deleted",
            ItemsInside => "{{n}} items",
            Minimize => "Minimize",
            Maximize => "Maximize",
            Restore => "Restore",
            Close => "Close",
            Open => "Open",
            Start => "Start",
            Language => "Language",
            Theme => "Theme",
            ThemeDark => "Dark",
            ThemeLight => "Light",
            Name => "Name",
            Kind => "Kind",
            Folder => "Folder",
            File => "File",
            Size => "Size",
            Taskbar => "Taskbar",
            Desktop => "Desktop",
            Retry => "Try again",
            LandingTitle => "Deskfolio — your portfolio as a desktop",
            LandingTagline => "Your portfolio, as a desktop in the browser.",
            LandingPitch1 => "Windows, a file explorer and a markdown viewer over your own files.",
            LandingPitch2 => "Your own address — your name as the subdomain — ready in seconds.",
            LandingPitch3 => "A terminal where visitors explore your work like a shell.",
            RegisterTitle => "Create your portfolio",
            Username => "Username",
            UsernameHint => "3–30 letters, digits or inner hyphens. It becomes your address.",
            Email => "Email",
            EmailOptional => "optional",
            Password => "Password",
            PasswordHint => "At least 8 characters.",
            CreatePortfolio => "Create my portfolio",
            Creating => "Creating…",
            Checking => "Checking…",
            Available => "is available",
            Taken => "is taken",
            Created => "Your portfolio is ready. Taking you there…",
            SeeDemo => "See the demo portfolio",
            Breadcrumbs => "Path",
            ResizeWindow => "Resize window",
            OpenWindows => "Open windows",
            Terminal => "Terminal",
            Search => "Search",
            NewMemory => "New memory",
            Deleted => "Deleted",
            Undo => "Undo",
            NoMemories => "No memories yet. Add what the assistant should know about you.",
            PickMemory => "Pick a memory to edit, or create a new one.",
            Title => "Title",
            Content => "Content",
            Keywords => "Keywords (comma-separated)",
            Priority => "Priority",
            Active => "Active",
            Save => "Save",
            Saved => "Saved.",
            Delete => "Delete",
            NewPersonality => "New personality",
            Description => "Description",
            Tone => "Tone",
            Greeting => "Greeting",
            SystemPrompt => "Instructions (system prompt)",
            Memories => "Memories",
            Personality => "Personality",
            Assistant => "Assistant",
            ChatPlaceholder => "Ask a question…",
            Send => "Send",
            Stop => "Stop",
            Preview => "preview",
            ChatEmpty => "Type a question first.",
            ChatTooLong => "Questions can be at most 1000 characters.",
            ChatFailed => {
                "The assistant could not answer just now. Your question was not counted; please try again."
            }
            ChatStopped => "Stopped.",
            ChatNetwork => "Could not reach the assistant. Check your connection and try again.",
            ChatRemaining => "{{n}} of {{limit}} questions left today",
            ChatLimitReached => {
                "You have used all {{limit}} questions for today. You can ask again after {{reset}}."
            }
            ChatLimitLocal => {
                "You have used all {{limit}} questions for today. You can ask again after {{time}}."
            }
            LogIn => "Log in",
            LogOut => "Log out",
            Account => "Account",
            LoginTitle => "Owner login",
            LoginWrong => "The username or password is not right.",
            LoginThrottled => "Too many attempts. Wait a few minutes and try again.",
            LoginMissing => "Enter your username and password.",
            LoginElsewhere => "Log in on your portfolio's own address.",
            LoggedInAs => "Logged in as",
            ChangePassword => "Change password",
            CurrentPassword => "Current password",
            NewPassword => "New password",
            PasswordChanged => "Password changed. Your other sessions have ended.",
            Saving => "Saving…",
            OwnerMode => "Owner mode",
            Admin => "Platform admin",
            AdminPlan => "Plan",
            AdminStatus => "Status",
            AdminActive => "active",
            AdminDisabled => "disabled",
            AdminEnable => "Enable",
            AdminDisable => "Disable",
            AdminNoTenants => "No tenant matches.",
            Contact => "Contact",
            ContactName => "Your name",
            ContactEmail => "Your email",
            ContactMessage => "Message",
            ContactSent => "Sent. The owner will answer by email.",
            ContactNone => "No messages yet.",
            ContactInbox => "Messages",
            ContactMarkRead => "Mark as read",
            ContactMarkUnread => "Mark as unread",
            Editor => "Editor",
            Trash => "Trash",
            EditorUnsaved => "Unsaved changes",
            EditorSaveButton => "Save",
            EditorConflict => {
                "Someone saved a newer version of this file since you opened it, so your text was not saved. Your text is still here."
            }
            EditorOverwrite => "Overwrite with mine",
            EditorLoadTheirs => "Load theirs",
            EditorDiscardConfirm => {
                "Replace your text with the saved version? Your unsaved changes will be lost."
            }
            EditorCloseConfirm => "This file has unsaved changes. Close the editor and lose them?",
            EditorSource => "Markdown source",
            EditorPreview => "Preview",
            EditorLoadFailed => "The file could not be opened for editing:",
            ViewerEdit => "Edit",
            ViewerDownload => "Download",
            ViewerFit => "Fit to window",
            ViewerActualSize => "Actual size",
            ViewerNoPreview => "This file cannot be shown here.",
        },
        Lang::Es => match msg {
            NotFoundTitle => "Este portafolio no existe",
            NotFoundBody => "Nadie ha reclamado esta dirección todavía:",
            NotFoundRegister => "Reclámala: crea tu portafolio",
            PageNotFound => "No hay ninguna página en esta dirección.",
            BackToDesktop => "Volver al escritorio",
            Loading => "Cargando…",
            FileExplorer => "Explorador de archivos",
            Viewer => "Visor",
            Home => "Inicio",
            Back => "Atrás",
            Up => "Subir un nivel",
            Folders => "Carpetas",
            EmptyFolder => "Esta carpeta está vacía.",
            NewFolder => "Nueva carpeta",
            NewFile => "Nuevo archivo",
            NewFolderName => "Nueva carpeta",
            NewFileName => "sin-titulo",
            Upload => "Subir",
            UploadHere => "Subir aquí",
            ChooseFiles => "Elegir archivos para subir",
            Rename => "Cambiar nombre",
            Edit => "Editar",
            Cut => "Cortar",
            Paste => "Pegar",
            MoreActions => "Más acciones",
            Actions => "Acciones",
            SearchFiles => "Buscar archivos",
            NoResults => "Nada coincide con «{{query}}».",
            Results => "Resultados",
            MovedOneToTrash => "1 elemento movido a la papelera",
            MovedToTrash => "{{n}} elementos movidos a la papelera",
            ConfirmDeleteFolder => {
                "«{{names}}» no está vacía. ¿Mover la carpeta y todo su contenido a la papelera?"
            }
            MoveToTrash => "Mover a la papelera",
            Cancel => "Cancelar",
            Dismiss => "Descartar",
            Uploading => "Subiendo",
            Uploaded => "Subido",
            UploadNetwork => {
                "La subida no ha llegado al servidor. Revisa tu conexión e inténtalo de nuevo."
            }
            DropHere => "Suelta archivos aquí para subirlos",
            EmptyTrash => "Vaciar papelera",
            TrashIsEmpty => "La papelera está vacía.",
            TrashKeeps => {
                "Los elementos borrados se guardan aquí 30 días y después se eliminan definitivamente."
            }
            DeleteForever => "Eliminar definitivamente",
            ConfirmDeleteForever => "¿Eliminar «{{name}}» definitivamente? No se puede deshacer.",
            ConfirmEmptyTrash => {
                "¿Eliminar definitivamente los {{n}} elementos de la papelera? No se puede deshacer."
            }
            TrashEmptied => "La papelera está vacía.",
            DeletedForever => "«{{name}}» se ha eliminado definitivamente.",
            OriginalLocation => "Ubicación original",
            DeletedAt => "Borrado",
            ItemsInside => "{{n}} elementos",
            Minimize => "Minimizar",
            Maximize => "Maximizar",
            Restore => "Restaurar",
            Close => "Cerrar",
            Open => "Abrir",
            Start => "Inicio",
            Language => "Idioma",
            Theme => "Tema",
            ThemeDark => "Oscuro",
            ThemeLight => "Claro",
            Name => "Nombre",
            Kind => "Tipo",
            Folder => "Carpeta",
            File => "Archivo",
            Size => "Tamaño",
            Taskbar => "Barra de tareas",
            Desktop => "Escritorio",
            Retry => "Reintentar",
            LandingTitle => "Deskfolio: tu portafolio como un escritorio",
            LandingTagline => "Tu portafolio, como un escritorio en el navegador.",
            LandingPitch1 => {
                "Ventanas, un explorador de archivos y un visor de markdown sobre tus propios archivos."
            }
            LandingPitch2 => {
                "Tu propia dirección, con tu nombre como subdominio, lista en segundos."
            }
            LandingPitch3 => {
                "Una terminal donde las visitas exploran tu trabajo como en una shell."
            }
            RegisterTitle => "Crea tu portafolio",
            Username => "Nombre de usuario",
            UsernameHint => "De 3 a 30 letras, dígitos o guiones internos. Será tu dirección.",
            Email => "Correo electrónico",
            EmailOptional => "opcional",
            Password => "Contraseña",
            PasswordHint => "Al menos 8 caracteres.",
            CreatePortfolio => "Crear mi portafolio",
            Creating => "Creando…",
            Checking => "Comprobando…",
            Available => "está disponible",
            Taken => "no está disponible",
            Created => "Tu portafolio está listo. Te llevamos allí…",
            SeeDemo => "Ver el portafolio de demostración",
            Breadcrumbs => "Ruta",
            ResizeWindow => "Cambiar tamaño de la ventana",
            OpenWindows => "Ventanas abiertas",
            Terminal => "Terminal",
            Search => "Buscar",
            NewMemory => "Nuevo recuerdo",
            Deleted => "Eliminado",
            Undo => "Deshacer",
            NoMemories => "Aún no hay recuerdos. Añade lo que el asistente debe saber de ti.",
            PickMemory => "Elige un recuerdo para editarlo o crea uno nuevo.",
            Title => "Título",
            Content => "Contenido",
            Keywords => "Palabras clave (separadas por comas)",
            Priority => "Prioridad",
            Active => "Activo",
            Save => "Guardar",
            Saved => "Guardado.",
            Delete => "Eliminar",
            NewPersonality => "Nueva personalidad",
            Description => "Descripción",
            Tone => "Tono",
            Greeting => "Saludo",
            SystemPrompt => "Instrucciones (prompt del sistema)",
            Memories => "Recuerdos",
            Personality => "Personalidad",
            Assistant => "Asistente",
            ChatPlaceholder => "Haz una pregunta…",
            Send => "Enviar",
            Stop => "Detener",
            Preview => "vista previa",
            ChatEmpty => "Escribe primero una pregunta.",
            ChatTooLong => "Las preguntas pueden tener como máximo 1000 caracteres.",
            ChatFailed => {
                "El asistente no ha podido responder ahora. Tu pregunta no se ha contado; inténtalo de nuevo."
            }
            ChatStopped => "Detenido.",
            ChatNetwork => {
                "No se ha podido contactar con el asistente. Revisa tu conexión e inténtalo de nuevo."
            }
            ChatRemaining => "Te quedan {{n}} de {{limit}} preguntas hoy",
            ChatLimitReached => {
                "Has usado las {{limit}} preguntas de hoy. Podrás volver a preguntar después de las {{reset}}."
            }
            ChatLimitLocal => {
                "Has usado las {{limit}} preguntas de hoy. Podrás volver a preguntar después de las {{time}}."
            }
            LogIn => "Iniciar sesión",
            LogOut => "Cerrar sesión",
            Account => "Cuenta",
            LoginTitle => "Acceso del propietario",
            LoginWrong => "El usuario o la contraseña no son correctos.",
            LoginThrottled => "Demasiados intentos. Espera unos minutos y vuelve a intentarlo.",
            LoginMissing => "Escribe tu usuario y tu contraseña.",
            LoginElsewhere => "Inicia sesión en la dirección de tu propio portafolio.",
            LoggedInAs => "Sesión iniciada como",
            ChangePassword => "Cambiar contraseña",
            CurrentPassword => "Contraseña actual",
            NewPassword => "Contraseña nueva",
            PasswordChanged => "Contraseña cambiada. Tus otras sesiones se han cerrado.",
            Saving => "Guardando…",
            OwnerMode => "Modo propietario",
            Admin => "Administración",
            AdminPlan => "Plan",
            AdminStatus => "Estado",
            AdminActive => "activo",
            AdminDisabled => "desactivado",
            AdminEnable => "Activar",
            AdminDisable => "Desactivar",
            AdminNoTenants => "Ningún portafolio coincide.",
            Contact => "Contacto",
            ContactName => "Tu nombre",
            ContactEmail => "Tu correo",
            ContactMessage => "Mensaje",
            ContactSent => "Enviado. Te responderán por correo.",
            ContactNone => "Todavía no hay mensajes.",
            ContactInbox => "Mensajes",
            ContactMarkRead => "Marcar como leído",
            ContactMarkUnread => "Marcar como no leído",
            Editor => "Editor",
            Trash => "Papelera",
            EditorUnsaved => "Cambios sin guardar",
            EditorSaveButton => "Guardar",
            EditorConflict => {
                "Alguien guardó una versión más nueva de este archivo después de que lo abrieras, así que tu texto no se guardó. Tu texto sigue aquí."
            }
            EditorOverwrite => "Sobrescribir con el mío",
            EditorLoadTheirs => "Cargar el suyo",
            EditorDiscardConfirm => {
                "¿Reemplazar tu texto por la versión guardada? Perderás los cambios sin guardar."
            }
            EditorCloseConfirm => {
                "Este archivo tiene cambios sin guardar. ¿Cerrar el editor y perderlos?"
            }
            EditorSource => "Código markdown",
            EditorPreview => "Vista previa",
            EditorLoadFailed => "No se pudo abrir el archivo para editarlo:",
            ViewerEdit => "Editar",
            ViewerDownload => "Descargar",
            ViewerFit => "Ajustar a la ventana",
            ViewerActualSize => "Tamaño real",
            ViewerNoPreview => "Este archivo no se puede mostrar aquí.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_choice_beats_accept_language_and_tenant_default() {
        assert_eq!(
            negotiate_lang(Some("es"), Some("en-US,en;q=0.9"), Lang::En),
            Lang::Es
        );
    }

    #[test]
    fn accept_language_is_ranked_by_quality() {
        assert_eq!(
            negotiate_lang(None, Some("fr-FR, en;q=0.5, es;q=0.8"), Lang::En),
            Lang::Es
        );
        assert_eq!(
            negotiate_lang(None, Some("es-MX;q=0, en"), Lang::Es),
            Lang::En
        );
    }

    #[test]
    fn unknown_languages_fall_back_to_the_tenant_default() {
        assert_eq!(
            negotiate_lang(Some("klingon"), Some("de, fr"), Lang::Es),
            Lang::Es
        );
        assert_eq!(negotiate_lang(None, None, Lang::En), Lang::En);
    }
}
