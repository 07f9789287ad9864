//! FA001: see rules/app/FA001-on-event-deprecated.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::app::EventRegistration;
use crate::project::Project;

/// A startup/shutdown handler registered with the deprecated event API.
struct OnEventDeprecated {
    /// `startup` or `shutdown`.
    event: String,
    /// How it is registered.
    registration: EventRegistration,
}

impl Violation for OnEventDeprecated {
    const CODE: RuleCode = RuleCode::FA001;

    fn message(&self) -> String {
        let how = match self.registration {
            EventRegistration::OnEventDecorator => "`on_event`",
            EventRegistration::AddEventHandler => "`add_event_handler`",
        };
        format!(
            "`{}` handler registered with {how}: the event handler API is deprecated \
             in favour of a lifespan, and it is ignored when the app also has one",
            self.event
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "move the start-up code before the `yield` of an `@asynccontextmanager` \
             lifespan and the shut-down code after it, and pass `lifespan=` to the app"
                .to_string(),
        )
    }
}

/// Reports every `on_event` decorator and `add_event_handler` call.
pub fn check(project: &Project, cx: &mut Context) {
    let files = project.python_module_files();
    for handler in &project.python().app.event_handlers {
        let Some(file) = files.get(handler.module) else {
            continue;
        };
        cx.report_in(
            file,
            OnEventDeprecated {
                event: handler.event.clone(),
                registration: handler.registration,
            },
            handler.span,
        );
    }
}
