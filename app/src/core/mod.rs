//! Building blocks every feature uses: errors, language and theme, the site/tenant types, names.

pub mod error;
pub mod i18n;
pub mod names;
pub mod site;
pub mod template;
