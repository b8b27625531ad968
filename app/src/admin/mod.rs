//! Platform administration: the admin (the account whose email is `OWNER_EMAIL`) changes any
//! tenant's plan and disables or re-enables a tenant, from a window on their own desktop.

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::error::AppError;
use crate::core::i18n::{Msg, Prefs};

/// The plans a tenant can be on.
pub const PLANS: [&str; 2] = ["free", "premium"];

/// One tenant as the admin window lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantSummary {
    pub username: String,
    pub display_name: String,
    pub plan: String,
    pub disabled: bool,
    pub admin: bool,
}

/// Tenants whose username contains `query` (all when empty), at most 200, by username.
#[server(prefix = "/api", endpoint = "admin_tenants")]
pub async fn admin_tenants(
    #[server(default)] query: String,
) -> Result<Vec<TenantSummary>, AppError> {
    ssr::tenants(&query).await
}

/// Puts a tenant on a plan (`free` or `premium`).
#[server(prefix = "/api", endpoint = "admin_set_plan")]
pub async fn admin_set_plan(username: String, plan: String) -> Result<TenantSummary, AppError> {
    ssr::set_plan(&username, &plan).await
}

/// Disables a tenant (its site answers 404 and its owner can't log in) or enables it again.
#[server(prefix = "/api", endpoint = "admin_set_disabled")]
pub async fn admin_set_disabled(
    username: String,
    disabled: bool,
) -> Result<TenantSummary, AppError> {
    ssr::set_disabled(&username, disabled).await
}

#[component]
pub fn AdminWindow() -> impl IntoView {
    let prefs = Prefs::expect();
    let query = RwSignal::new(String::new());
    let rev = RwSignal::new(0u32);
    let list = Resource::new(move || (query.get(), rev.get()), |(q, _)| admin_tenants(q));
    let message = RwSignal::new(None::<Result<String, String>>);
    let apply = move |change: Result<TenantSummary, AppError>| match change {
        Ok(t) => {
            message.set(Some(Ok(format!(
                "{}: {} · {}",
                t.username,
                t.plan,
                if t.disabled {
                    prefs.t(Msg::AdminDisabled)
                } else {
                    prefs.t(Msg::AdminActive)
                }
            ))));
            rev.update(|r| *r += 1);
        }
        Err(e) => message.set(Some(Err(e.to_string()))),
    };

    view! {
        <div class="admin">
            <input type="search" placeholder=move || prefs.t(Msg::Search) aria-label=move || prefs.t(Msg::Search)
                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
            {move || message.get().map(|m| match m {
                Ok(text) => view! { <p class="status" role="status">{text}</p> }.into_any(),
                Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
            })}
            <Transition fallback=move || view! { <p class="loading">{move || prefs.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(tenants) if tenants.is_empty() => view! { <p class="empty">{prefs.t(Msg::AdminNoTenants)}</p> }.into_any(),
                        Ok(tenants) => view! {
                            <table class="admin-tenants">
                                <thead><tr>
                                    <th scope="col">{prefs.t(Msg::Name)}</th>
                                    <th scope="col">{prefs.t(Msg::AdminPlan)}</th>
                                    <th scope="col">{prefs.t(Msg::AdminStatus)}</th>
                                </tr></thead>
                                <tbody>
                                    {tenants.into_iter().map(|t| {
                                        let name = t.username.clone();
                                        let for_plan = t.username.clone();
                                        let for_state = t.username.clone();
                                        let disabled = t.disabled;
                                        let label = format!("{} {}", prefs.t(Msg::AdminPlan), t.username);
                                        view! {
                                            <tr class:disabled=disabled>
                                                <th scope="row">{name} " " <span class="muted">{t.display_name.clone()}</span></th>
                                                <td>
                                                    <select aria-label=label on:change=move |ev| {
                                                        let plan = event_target_value(&ev);
                                                        let who = for_plan.clone();
                                                        leptos::task::spawn_local(async move { apply(admin_set_plan(who, plan).await) });
                                                    }>
                                                        {PLANS.into_iter().map(|p| view! { <option value=p selected=t.plan == p>{p}</option> }).collect_view()}
                                                    </select>
                                                </td>
                                                <td>
                                                    <button type="button" class:danger=!disabled disabled=t.admin on:click=move |_| {
                                                        let who = for_state.clone();
                                                        leptos::task::spawn_local(async move { apply(admin_set_disabled(who, !disabled).await) });
                                                    }>
                                                        {if disabled { prefs.t(Msg::AdminEnable) } else { prefs.t(Msg::AdminDisable) }}
                                                    </button>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}
