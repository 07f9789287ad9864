//! The ASGI application model: FastAPI/Starlette apps and routers, their routes with full
//! paths, the lifespan, startup/shutdown handlers, every function's calls resolved through
//! imports, which functions reach a database or cache, and where engines and pools are
//! created.
//!
//! Modules are given with their dotted names (`app.api.routes.items`) so that
//! `app.include_router(items.router, prefix="/api")` can find the router in another file.

use std::collections::{HashMap, HashSet};

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{Expr, ExprCall, Stmt, StmtFunctionDef};

use super::eval::{Evaluated, Evaluator, Namespace, Value, evaluate_module};
use super::settings::SettingsModel;
use super::syntax::{PythonModule, span_of};
use crate::span::Span;

/// How many include levels (router in router in app) are followed.
const MAX_MOUNT_DEPTH: usize = 16;

/// What kind of ASGI object a module-level name holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppKind {
    /// `fastapi.FastAPI(...)`.
    FastApi,
    /// `starlette.applications.Starlette(...)`.
    Starlette,
    /// `fastapi.APIRouter(...)`.
    Router,
}

/// A module-level application or router.
#[derive(Clone, Debug, PartialEq)]
pub struct AppObject {
    /// Index of its module.
    pub module: usize,
    /// The variable it is assigned to.
    pub name: String,
    /// What it is.
    pub kind: AppKind,
    /// The constructor call.
    pub span: Span,
    /// The router's own `prefix=` (empty when none).
    pub prefix: String,
    /// The `lifespan=` argument, as the name it refers to.
    pub lifespan: Option<String>,
}

/// One route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// Index of the module declaring it.
    pub module: usize,
    /// The HTTP method in upper case, or `WEBSOCKET`.
    pub method: String,
    /// The path as the application serves it: include prefixes + router prefix + path.
    pub full_path: String,
    /// The path as written in the decorator.
    pub path: String,
    /// Whether the owner is an app, or a router reachable from one through `include_router`.
    pub mounted: bool,
    /// The app or router variable the decorator uses.
    pub owner: String,
    /// The handler function's name.
    pub handler: String,
    /// Index of the handler in [`AppModel::functions`].
    pub function: usize,
    /// The decorator.
    pub span: Span,
}

/// How a startup/shutdown handler is registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventRegistration {
    /// `@app.on_event("startup")`.
    OnEventDecorator,
    /// `app.add_event_handler("startup", handler)`.
    AddEventHandler,
}

/// A startup or shutdown handler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventHandler {
    /// Index of the module.
    pub module: usize,
    /// `startup` or `shutdown` (as written).
    pub event: String,
    /// The handler's name.
    pub handler: String,
    /// Index of the handler in [`AppModel::functions`], if defined in the scanned modules.
    pub function: Option<usize>,
    /// How it is registered.
    pub registration: EventRegistration,
    /// The decorator or the `add_event_handler` call.
    pub span: Span,
}

/// One call inside a function, its callee resolved through imports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The callee: `time.sleep` (after `from time import sleep`), `session.execute`,
    /// `?.execute` when the receiver is not a name.
    pub callee: String,
    /// Whether the call is directly awaited.
    pub awaited: bool,
    /// The call expression.
    pub span: Span,
}

impl Call {
    /// The last segment of the callee (`execute` for `session.execute`).
    pub fn method(&self) -> &str {
        self.callee.rsplit('.').next().unwrap_or(&self.callee)
    }
}

/// What a lifespan function does around its `yield`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LifespanFacts {
    /// Calls before the `yield` (start-up).
    pub before_yield: Vec<Call>,
    /// Calls after the `yield` (shut-down), `finally` blocks included.
    pub after_yield: Vec<Call>,
    /// Context managers (`async with engine.begin() ...:`) whose block holds the `yield`:
    /// they are closed on shut-down by their `with`.
    pub around_yield: Vec<Call>,
    /// Where the `yield` is (`None`: the function never yields).
    pub yield_span: Option<Span>,
}

/// One function (module level or method), with what it calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionFacts {
    /// Index of the module.
    pub module: usize,
    /// The function name (methods: `Class.method`).
    pub name: String,
    /// Where its name is written.
    pub name_span: Span,
    /// The whole definition.
    pub span: Span,
    /// `async def`.
    pub is_async: bool,
    /// Calls in its body (nested functions and lambdas excluded), in source order.
    pub calls: Vec<Call>,
    /// Dependencies it declares: `Depends(get_db)` parameters, by name.
    pub dependencies: Vec<String>,
    /// Calls in its own body that reach a database or cache (`execute`, `fetch*`,
    /// `acquire`, `text("SELECT ...")`, `ping`, ...).
    pub storage_calls: Vec<Call>,
    /// Whether it reaches a database or cache itself, through a project function it calls,
    /// or through a dependency.
    pub touches_storage: bool,
    /// Set for functions used as an app's `lifespan=`.
    pub lifespan: Option<LifespanFacts>,
    /// Exception text the function hands to its caller: expressions such as `str(exc)`,
    /// `f"{exc}"`, `exc.args` or `traceback.format_exc()` made inside an
    /// `except ... as exc:` block that end up in a `return` value or an
    /// `HTTPException(detail=...)` (directly, or through a local variable), in source
    /// order. `type(exc).__name__` and logging calls are not leaks.
    pub leaked_exceptions: Vec<Span>,
}

/// Where an engine or pool is created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreationSite {
    /// At module level: runs when the module is imported.
    Import,
    /// Inside a lifespan function (index in [`AppModel::functions`]).
    Lifespan(usize),
    /// Inside another function (index in [`AppModel::functions`]).
    Function(usize),
}

/// An engine, pool or client creation.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolCreation {
    /// Index of the module.
    pub module: usize,
    /// The factory, qualified (`sqlalchemy.ext.asyncio.create_async_engine`).
    pub factory: String,
    /// The URL/DSN argument (first positional or `url`/`dsn`), evaluated.
    pub url: Option<Evaluated>,
    /// Size and health arguments (`pool_size`, `max_overflow`, `pool_pre_ping`, `min_size`,
    /// `max_size`, `max_connections`, ...), evaluated; `settings.X` reads the settings
    /// model's default for field `X`.
    pub arguments: Vec<(String, Evaluated)>,
    /// Whether the call unpacks keywords (`**options`), so other arguments may be set.
    pub unpacked_keywords: bool,
    /// Where it runs.
    pub site: CreationSite,
    /// The call.
    pub span: Span,
}

/// Where a `uvicorn.run(...)` call is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunSite {
    /// Under `if __name__ == "__main__":`: runs when the module is executed as a script.
    MainGuard,
    /// At module level, unguarded: runs when the module is executed or imported.
    ModuleLevel,
    /// Inside a module-level function (index in [`AppModel::functions`]).
    Function(usize),
}

/// A keyword argument of a call, evaluated.
#[derive(Clone, Debug, PartialEq)]
pub struct KeywordArgument {
    /// The whole `name=value`.
    pub span: Span,
    /// The value (`settings.X` reads the settings model's default for field `X`).
    pub value: Evaluated,
}

/// A `uvicorn.run(...)` call: the server a `python main.py` start command runs.
#[derive(Clone, Debug, PartialEq)]
pub struct UvicornRun {
    /// Index of the module.
    pub module: usize,
    /// The call.
    pub span: Span,
    /// Where it is written.
    pub site: RunSite,
    /// Whether executing the module as a script reaches the call: at module level, under
    /// the `__main__` guard, or in a module-level function that the module level or the
    /// guard calls by name (`main()`, `asyncio.run(main())`).
    pub runs_as_script: bool,
    /// Whether an `if`, loop or `match` (other than the `__main__` guard) encloses the
    /// call, so it may not run.
    pub conditional: bool,
    /// The application argument (first positional or `app=`): an import string or an
    /// object.
    pub app: Option<Evaluated>,
    /// `reload=`.
    pub reload: Option<KeywordArgument>,
    /// `host=`.
    pub host: Option<KeywordArgument>,
}

/// A call that creates an instance of a project settings class, anywhere in a module
/// (`settings = Settings()`, `return Settings()` in an `lru_cache`d getter).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsInstantiation {
    /// Index of the class in [`SettingsModel::classes`].
    pub class: usize,
    /// Index of the module holding the call.
    pub module: usize,
    /// The call.
    pub span: Span,
    /// Whether the values do not all come from the environment: the call passes
    /// arguments (`Settings(_env_file=...)`, `Settings(**overrides)`) or uses another
    /// constructor (`Settings.model_validate(...)`, `Settings.parse_obj(...)`).
    pub with_arguments: bool,
}

/// Class methods that build a pydantic model from given values rather than from the
/// environment alone.
const ALTERNATIVE_CONSTRUCTORS: &[&str] = &[
    "model_validate",
    "model_validate_json",
    "model_validate_strings",
    "model_construct",
    "parse_obj",
    "parse_raw",
    "parse_file",
    "construct",
];

/// Everything the app model knows about a set of modules.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppModel {
    /// Apps and routers.
    pub apps: Vec<AppObject>,
    /// Routes, one per mount.
    pub routes: Vec<Route>,
    /// `on_event` / `add_event_handler` registrations.
    pub event_handlers: Vec<EventHandler>,
    /// Every function and method.
    pub functions: Vec<FunctionFacts>,
    /// Engine, pool and client creations.
    pub pools: Vec<PoolCreation>,
    /// Calls of settings classes (empty when no settings model was given), in module
    /// then source order.
    pub settings_instantiations: Vec<SettingsInstantiation>,
    /// `uvicorn.run(...)` calls at module level or in module-level functions, in module
    /// then source order.
    pub uvicorn_runs: Vec<UvicornRun>,
}

/// Factories whose call creates a connection pool, engine or client.
const POOL_FACTORIES: &[&str] = &[
    "sqlalchemy.create_engine",
    "sqlalchemy.engine.create_engine",
    "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlmodel.create_engine",
    "sqlmodel.ext.asyncio.create_async_engine",
    "asyncpg.create_pool",
    "asyncpg.pool.create_pool",
    "databases.Database",
    "redis.ConnectionPool",
    "redis.ConnectionPool.from_url",
    "redis.Redis",
    "redis.Redis.from_url",
    "redis.StrictRedis",
    "redis.from_url",
    "redis.asyncio.ConnectionPool",
    "redis.asyncio.ConnectionPool.from_url",
    "redis.asyncio.Redis",
    "redis.asyncio.Redis.from_url",
    "redis.asyncio.from_url",
    "aioredis.from_url",
    "aioredis.create_redis_pool",
    "motor.motor_asyncio.AsyncIOMotorClient",
    "psycopg_pool.AsyncConnectionPool",
    "psycopg_pool.ConnectionPool",
];

/// Keyword arguments of pool factories that the model keeps.
const POOL_ARGUMENTS: &[&str] = &[
    "pool_size",
    "max_overflow",
    "pool_pre_ping",
    "pool_recycle",
    "pool_timeout",
    "poolclass",
    "min_size",
    "max_size",
    "max_connections",
    "echo",
];

/// Methods that talk to a database or cache whatever the receiver.
const STORAGE_METHODS: &[&str] = &[
    "execute",
    "executemany",
    "fetch",
    "fetchrow",
    "fetchval",
    "fetchall",
    "fetchone",
    "fetch_all",
    "fetch_one",
    "fetch_val",
    "scalar",
    "scalars",
    "acquire",
    "ping",
];

impl AppModel {
    /// Builds the model over `modules`, each with its dotted module name; `settings`
    /// resolves `settings.X` arguments to field defaults.
    pub fn build(modules: &[(&str, &PythonModule)], settings: Option<&SettingsModel>) -> AppModel {
        let namespaces: Vec<Namespace> = modules
            .iter()
            .map(|(_, module)| evaluate_module(module))
            .collect();
        let instances = settings_instances(modules, &namespaces, settings);
        let mut model = AppModel::default();
        // Apps and routers first: routes need them.
        for (index, ((_, module), namespace)) in modules.iter().zip(&namespaces).enumerate() {
            let evaluator = Evaluator::new(namespace);
            for statement in module.body() {
                if let Stmt::Assign(assign) = statement
                    && let [Expr::Name(target)] = assign.targets.as_slice()
                    && let Expr::Call(call) = assign.value.as_ref()
                    && let Some(kind) = app_kind(&evaluator, call)
                {
                    let keyword = |name: &str| {
                        call.arguments
                            .find_keyword(name)
                            .map(|keyword| &keyword.value)
                    };
                    model.apps.push(AppObject {
                        module: index,
                        name: target.id.to_string(),
                        kind,
                        span: span_of(call),
                        prefix: keyword("prefix")
                            .and_then(|expr| {
                                evaluator.eval(expr).value.as_str().map(str::to_string)
                            })
                            .unwrap_or_default(),
                        lifespan: keyword("lifespan")
                            .and_then(|expr| evaluator.qualified_name(expr)),
                    });
                }
            }
        }
        // Functions, with their calls.
        for (index, ((_, module), namespace)) in modules.iter().zip(&namespaces).enumerate() {
            let evaluator = Evaluator::new(namespace);
            for statement in module.body() {
                match statement {
                    Stmt::FunctionDef(function) => {
                        model
                            .functions
                            .push(function_facts(index, None, function, &evaluator));
                    }
                    Stmt::ClassDef(class) => {
                        for inner in &class.body {
                            if let Stmt::FunctionDef(function) = inner {
                                model.functions.push(function_facts(
                                    index,
                                    Some(class.name.as_str()),
                                    function,
                                    &evaluator,
                                ));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut lookup = Lookup::new(modules);
        for (index, app) in model.apps.iter().enumerate() {
            lookup
                .apps
                .entry((app.module, app.name.clone()))
                .or_insert(index);
        }
        for (index, function) in model.functions.iter().enumerate() {
            lookup
                .functions
                .entry((function.module, function.name.clone()))
                .or_insert(index);
        }
        model.mark_lifespans(modules, &namespaces, &lookup);
        model.propagate_storage(&lookup);
        model.collect_routes_and_events(modules, &namespaces, &lookup, &instances, settings);
        model.collect_pools(modules, &namespaces, &instances, settings, &lookup);
        if let Some(settings) = settings {
            model.settings_instantiations =
                settings_instantiations(modules, &namespaces, &lookup, settings);
        }
        model.collect_uvicorn_runs(modules, &namespaces, &instances, settings, &lookup);
        model
    }

    fn collect_uvicorn_runs(
        &mut self,
        modules: &[(&str, &PythonModule)],
        namespaces: &[Namespace],
        instances: &SettingsInstances,
        settings: Option<&SettingsModel>,
        lookup: &Lookup,
    ) {
        for (index, ((_, module), namespace)) in modules.iter().zip(namespaces).enumerate() {
            let evaluator = Evaluator::new(namespace);
            let resolver = ArgumentResolver {
                evaluator: &evaluator,
                module: index,
                instances,
                settings,
            };
            let mut finder = RunFinder {
                evaluator: &evaluator,
                runs: Vec::new(),
                script_calls: HashSet::new(),
            };
            for statement in module.body() {
                match statement {
                    Stmt::FunctionDef(function) => {
                        if let Some(function_index) = lookup.function(index, function.name.as_str())
                        {
                            let site = RunSite::Function(function_index);
                            finder.body(&function.body, site, false, false, 0);
                        }
                    }
                    Stmt::ClassDef(_) => {}
                    other => finder.statement(other, RunSite::ModuleLevel, false, true, 0),
                }
            }
            for (call, site, conditional) in finder.runs {
                let runs_as_script = match site {
                    RunSite::MainGuard | RunSite::ModuleLevel => true,
                    RunSite::Function(function) => self
                        .functions
                        .get(function)
                        .is_some_and(|f| finder.script_calls.contains(f.name.as_str())),
                };
                let keyword = |name: &str| {
                    call.arguments
                        .find_keyword(name)
                        .map(|keyword| KeywordArgument {
                            span: span_of(keyword),
                            value: resolver.eval(&keyword.value),
                        })
                };
                self.uvicorn_runs.push(UvicornRun {
                    module: index,
                    span: span_of(call),
                    site,
                    runs_as_script,
                    conditional,
                    app: call
                        .arguments
                        .find_argument_value("app", 0)
                        .map(|expr| resolver.eval(expr)),
                    reload: keyword("reload"),
                    host: keyword("host"),
                });
            }
        }
    }

    /// Whether settings class `class` (index in [`SettingsModel::classes`]) is called
    /// somewhere in the modules.
    pub fn is_instantiated(&self, class: usize) -> bool {
        self.settings_instantiations
            .iter()
            .any(|instantiation| instantiation.class == class)
    }

    /// The function called `name` in module `module`.
    pub fn function(&self, module: usize, name: &str) -> Option<usize> {
        self.functions
            .iter()
            .position(|function| function.module == module && function.name == name)
    }

    /// The lifespan functions of the apps (indices into [`AppModel::functions`]).
    pub fn lifespans(&self) -> impl Iterator<Item = (usize, &FunctionFacts)> {
        self.functions
            .iter()
            .enumerate()
            .filter(|(_, function)| function.lifespan.is_some())
    }

    fn mark_lifespans(
        &mut self,
        modules: &[(&str, &PythonModule)],
        namespaces: &[Namespace],
        lookup: &Lookup,
    ) {
        let targets: Vec<(usize, String)> = self
            .apps
            .iter()
            .filter_map(|app| Some((app.module, app.lifespan.clone()?)))
            .collect();
        for (module, target) in targets {
            let Some(index) = lookup.resolve_function(module, &target) else {
                continue;
            };
            let Some(function) = self.functions.get(index) else {
                continue;
            };
            let Some(definition) = find_function(modules, function.module, &function.name) else {
                continue;
            };
            let Some(namespace) = namespaces.get(function.module) else {
                continue;
            };
            let facts = lifespan_facts(definition, &Evaluator::new(namespace));
            if let Some(function) = self.functions.get_mut(index) {
                function.lifespan = Some(facts);
            }
        }
    }

    fn propagate_storage(&mut self, lookup: &Lookup) {
        // Each function's callees and dependencies that are project functions.
        let edges: Vec<Vec<usize>> = (0..self.functions.len())
            .map(|index| {
                let function = &self.functions[index];
                function
                    .calls
                    .iter()
                    .map(|call| call.callee.as_str())
                    .chain(function.dependencies.iter().map(String::as_str))
                    .filter_map(|name| lookup.resolve_function(function.module, name))
                    .filter(|&callee| callee != index)
                    .collect()
            })
            .collect();
        // Callers of each function; storage reachability flows from callee to caller.
        let mut callers: Vec<Vec<usize>> = vec![Vec::new(); self.functions.len()];
        for (caller, callees) in edges.iter().enumerate() {
            for &callee in callees {
                if let Some(list) = callers.get_mut(callee) {
                    list.push(caller);
                }
            }
        }
        let mut queue: Vec<usize> = Vec::new();
        for (index, function) in self.functions.iter_mut().enumerate() {
            function.touches_storage = !function.storage_calls.is_empty();
            if function.touches_storage {
                queue.push(index);
            }
        }
        while let Some(callee) = queue.pop() {
            for &caller in callers.get(callee).map_or(&[][..], Vec::as_slice) {
                if let Some(function) = self.functions.get_mut(caller)
                    && !function.touches_storage
                {
                    function.touches_storage = true;
                    queue.push(caller);
                }
            }
        }
    }

    fn collect_routes_and_events(
        &mut self,
        modules: &[(&str, &PythonModule)],
        namespaces: &[Namespace],
        lookup: &Lookup,
        instances: &SettingsInstances,
        settings: Option<&SettingsModel>,
    ) {
        // Include edges: (parent app index, child router index, prefix).
        let mut includes: Vec<(usize, usize, String)> = Vec::new();
        for (index, ((_, module), namespace)) in modules.iter().zip(namespaces).enumerate() {
            let evaluator = Evaluator::new(namespace);
            for statement in module.body() {
                let Stmt::Expr(expression) = statement else {
                    continue;
                };
                let Expr::Call(call) = expression.value.as_ref() else {
                    continue;
                };
                let Expr::Attribute(attribute) = call.func.as_ref() else {
                    continue;
                };
                let Expr::Name(owner) = attribute.value.as_ref() else {
                    continue;
                };
                let Some(parent) = lookup.app(index, owner.id.as_str()) else {
                    continue;
                };
                match attribute.attr.as_str() {
                    "include_router" => {
                        let Some(router_expr) = call.arguments.find_argument_value("router", 0)
                        else {
                            continue;
                        };
                        let Some(child) = reference_name(&evaluator, router_expr)
                            .and_then(|name| lookup.resolve_app(index, &name))
                        else {
                            continue;
                        };
                        let resolver = ArgumentResolver {
                            evaluator: &evaluator,
                            module: index,
                            instances,
                            settings,
                        };
                        let prefix = call
                            .arguments
                            .find_keyword("prefix")
                            .and_then(|keyword| {
                                resolver
                                    .eval(&keyword.value)
                                    .value
                                    .as_str()
                                    .map(str::to_string)
                            })
                            .unwrap_or_default();
                        includes.push((parent, child, prefix));
                    }
                    "add_event_handler" => {
                        let event = call
                            .arguments
                            .find_argument_value("event_type", 0)
                            .and_then(|expr| {
                                evaluator.eval(expr).value.as_str().map(str::to_string)
                            });
                        let handler = call
                            .arguments
                            .find_argument_value("func", 1)
                            .and_then(|expr| evaluator.qualified_name(expr));
                        if let (Some(event), Some(handler)) = (event, handler) {
                            let function = lookup.resolve_function(index, &handler);
                            self.event_handlers.push(EventHandler {
                                module: index,
                                event,
                                handler,
                                function,
                                registration: EventRegistration::AddEventHandler,
                                span: span_of(call),
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        // Decorated handlers.
        for (index, ((_, module), namespace)) in modules.iter().zip(namespaces).enumerate() {
            let evaluator = Evaluator::new(namespace);
            for statement in module.body() {
                let Stmt::FunctionDef(function) = statement else {
                    continue;
                };
                let Some(function_index) = lookup.function(index, function.name.as_str()) else {
                    continue;
                };
                for decorator in &function.decorator_list {
                    let Expr::Call(call) = &decorator.expression else {
                        continue;
                    };
                    let Expr::Attribute(attribute) = call.func.as_ref() else {
                        continue;
                    };
                    let Expr::Name(owner) = attribute.value.as_ref() else {
                        continue;
                    };
                    let Some(app) = lookup.app(index, owner.id.as_str()) else {
                        continue;
                    };
                    let verb = attribute.attr.as_str();
                    if verb == "on_event" {
                        if let Some(event) = call
                            .arguments
                            .find_argument_value("event_type", 0)
                            .and_then(|expr| {
                                evaluator.eval(expr).value.as_str().map(str::to_string)
                            })
                        {
                            self.event_handlers.push(EventHandler {
                                module: index,
                                event,
                                handler: function.name.to_string(),
                                function: Some(function_index),
                                registration: EventRegistration::OnEventDecorator,
                                span: span_of(decorator),
                            });
                        }
                        continue;
                    }
                    let methods = route_methods(verb, call, &evaluator);
                    if methods.is_empty() {
                        continue;
                    }
                    let Some(path) = call
                        .arguments
                        .find_argument_value("path", 0)
                        .and_then(|expr| evaluator.eval(expr).value.as_str().map(str::to_string))
                    else {
                        continue;
                    };
                    let mounts = self.mount_prefixes(app, &includes);
                    for method in &methods {
                        for (prefix, mounted) in &mounts {
                            self.routes.push(Route {
                                module: index,
                                method: method.clone(),
                                full_path: format!("{prefix}{path}"),
                                path: path.clone(),
                                mounted: *mounted,
                                owner: owner.id.to_string(),
                                handler: function.name.to_string(),
                                function: function_index,
                                span: span_of(decorator),
                            });
                        }
                    }
                }
            }
        }
    }

    /// The prefixes under which routes declared on `app` are served, and whether each
    /// chain reaches an application (or stops at a router nobody includes).
    fn mount_prefixes(
        &self,
        app: usize,
        includes: &[(usize, usize, String)],
    ) -> Vec<(String, bool)> {
        let mut results = Vec::new();
        let mut stack = vec![(app, String::new(), 0usize, vec![app])];
        while let Some((current, suffix, depth, seen)) = stack.pop() {
            let Some(object) = self.apps.get(current) else {
                continue;
            };
            let own = format!("{}{suffix}", object.prefix);
            if object.kind != AppKind::Router {
                results.push((own, true));
                continue;
            }
            let parents: Vec<&(usize, usize, String)> = includes
                .iter()
                .filter(|(_, child, _)| *child == current)
                .collect();
            if parents.is_empty() || depth >= MAX_MOUNT_DEPTH {
                results.push((own, false));
                continue;
            }
            for (parent, _, prefix) in parents {
                if seen.contains(parent) {
                    continue;
                }
                let mut seen = seen.clone();
                seen.push(*parent);
                stack.push((*parent, format!("{prefix}{own}"), depth + 1, seen));
            }
        }
        results.sort();
        results.dedup();
        if results.is_empty() {
            results.push((String::new(), false));
        }
        results
    }

    fn collect_pools(
        &mut self,
        modules: &[(&str, &PythonModule)],
        namespaces: &[Namespace],
        instances: &SettingsInstances,
        settings: Option<&SettingsModel>,
        lookup: &Lookup,
    ) {
        for (index, ((_, module), namespace)) in modules.iter().zip(namespaces).enumerate() {
            let evaluator = Evaluator::new(namespace);
            let resolver = ArgumentResolver {
                evaluator: &evaluator,
                module: index,
                instances,
                settings,
            };
            for statement in module.body() {
                match statement {
                    Stmt::FunctionDef(function) => {
                        self.pools_in_function(index, None, function, &resolver, lookup);
                    }
                    Stmt::ClassDef(class) => {
                        for inner in &class.body {
                            if let Stmt::FunctionDef(function) = inner {
                                self.pools_in_function(
                                    index,
                                    Some(class.name.as_str()),
                                    function,
                                    &resolver,
                                    lookup,
                                );
                            }
                        }
                    }
                    other => {
                        let mut finder = CallFinder::default();
                        finder.visit_stmt(other);
                        for call in finder.calls {
                            if let Some(pool) =
                                pool_creation(index, call, CreationSite::Import, &resolver)
                            {
                                self.pools.push(pool);
                            }
                        }
                    }
                }
            }
        }
    }

    fn pools_in_function(
        &mut self,
        module: usize,
        class: Option<&str>,
        function: &StmtFunctionDef,
        resolver: &ArgumentResolver<'_>,
        lookup: &Lookup,
    ) {
        let name = qualified_function_name(class, function);
        let Some(index) = lookup.function(module, &name) else {
            return;
        };
        let site = if self
            .functions
            .get(index)
            .is_some_and(|f| f.lifespan.is_some())
        {
            CreationSite::Lifespan(index)
        } else {
            CreationSite::Function(index)
        };
        let mut finder = CallFinder::default();
        for statement in &function.body {
            finder.visit_stmt(statement);
        }
        for call in finder.calls {
            if let Some(pool) = pool_creation(module, call, site.clone(), resolver) {
                self.pools.push(pool);
            }
        }
    }
}

/// Resolves `settings.X` arguments through the settings model.
struct ArgumentResolver<'a> {
    evaluator: &'a Evaluator<'a>,
    /// The module the arguments are written in (index in the modules of the build).
    module: usize,
    instances: &'a SettingsInstances,
    settings: Option<&'a SettingsModel>,
}

impl ArgumentResolver<'_> {
    fn eval(&self, expr: &Expr) -> Evaluated {
        let evaluated = self.evaluator.eval(expr);
        if !matches!(evaluated.value, Value::Unknown | Value::Reference(_)) {
            return evaluated;
        }
        // `str(settings.FIELD)`: the field's value as a string.
        if let Expr::Call(call) = expr
            && let [argument] = &call.arguments.args[..]
            && call.arguments.keywords.is_empty()
            && self.evaluator.qualified_name(&call.func).as_deref() == Some("str")
        {
            let mut inner = self.eval(argument);
            if !matches!(inner.value, Value::Str(_)) {
                inner.value = Value::Unknown;
            }
            inner.span = span_of(expr);
            return inner;
        }
        // `settings.FIELD` where `settings = Settings()` somewhere in the project.
        if let (Expr::Attribute(attribute), Some(model)) = (expr, self.settings)
            && let Some(base) = self.evaluator.qualified_name(&attribute.value)
            && let Some(class_index) = self.instances.resolve(self.module, &base)
            && let Some(class) = model.classes.get(class_index)
            && let Some(field) = model
                .all_fields(class)
                .into_iter()
                .find(|field| field.name == attribute.attr.as_str())
        {
            let mut resolved = field
                .default
                .clone()
                .unwrap_or_else(|| Evaluated::unknown(span_of(expr)));
            resolved.span = span_of(expr);
            if resolved.env_override.is_none() {
                resolved.env_override = field.env_names.first().cloned();
            }
            return resolved;
        }
        evaluated
    }
}

/// A module-level name bound to a settings class instance (`settings = Settings()`).
struct SettingsInstance {
    /// The defining module's dotted name and the bound name (`app.config.settings`).
    qualified: String,
    /// The bound name (`settings`).
    name: String,
    /// The class, as an index in the settings model.
    class: usize,
}

/// The settings instances of the project, found from the module that names one. A
/// repository with several services usually has a `settings = Settings()` in each, so a
/// name alone does not say which class it is: the import path does.
#[derive(Default)]
struct SettingsInstances {
    instances: Vec<SettingsInstance>,
    /// The dotted name of every module of the build, by index.
    module_names: Vec<String>,
}

impl SettingsInstances {
    /// The class of the instance that `reference` (a qualified name as written in module
    /// `module`: `settings`, `app.config.settings`, `.config.settings`) names. Instances
    /// whose qualified name ends with the reference match (relative references are made
    /// absolute first); else those with its last name. Of several classes, the instance
    /// in the module nearest to `module` (longest common dotted prefix) wins; a tie is
    /// unknown.
    fn resolve(&self, module: usize, reference: &str) -> Option<usize> {
        let current = self.module_names.get(module).map_or("", String::as_str);
        let absolute = absolute_reference(current, reference);
        let by_path: Vec<&SettingsInstance> = self
            .instances
            .iter()
            .filter(|instance| ends_with_dotted(&instance.qualified, &absolute))
            .collect();
        let candidates = if by_path.is_empty() {
            let name = absolute.rsplit('.').next().unwrap_or(&absolute);
            self.instances
                .iter()
                .filter(|instance| instance.name == name)
                .collect()
        } else {
            by_path
        };
        let first = candidates.first()?;
        if candidates.iter().all(|c| c.class == first.class) {
            return Some(first.class);
        }
        let closeness = |instance: &SettingsInstance| {
            instance
                .qualified
                .split('.')
                .zip(current.split('.'))
                .take_while(|(a, b)| a == b)
                .count()
        };
        let best = candidates.iter().map(|c| closeness(c)).max()?;
        let nearest: Vec<&&SettingsInstance> =
            candidates.iter().filter(|c| closeness(c) == best).collect();
        match nearest.as_slice() {
            [only] => Some(only.class),
            [first, rest @ ..] if rest.iter().all(|c| c.class == first.class) => Some(first.class),
            _ => None,
        }
    }
}

/// `reference` as an absolute dotted name: a relative one (`.config.settings`) is resolved
/// against the package of `current`.
fn absolute_reference(current: &str, reference: &str) -> String {
    let level = reference.chars().take_while(|&c| c == '.').count();
    if level == 0 {
        return reference.to_string();
    }
    let mut parts: Vec<&str> = current.split('.').collect();
    for _ in 0..level {
        parts.pop();
    }
    parts.extend(
        reference[level..]
            .split('.')
            .filter(|part| !part.is_empty()),
    );
    parts.join(".")
}

/// Whether the dotted name `full` is `suffix` or ends with `.suffix`.
fn ends_with_dotted(full: &str, suffix: &str) -> bool {
    full == suffix
        || full
            .strip_suffix(suffix)
            .is_some_and(|head| head.ends_with('.'))
}

/// The settings class `callee` (a qualified name written in module `module`) names. Of
/// several classes with its name (each service of a repository may have a `Settings`),
/// the one whose module the import path names, else the one defined nearest to `module`;
/// a tie is unknown.
fn settings_class_named(
    model: &SettingsModel,
    module_names: &[String],
    module: usize,
    callee: &str,
) -> Option<usize> {
    let name = callee.rsplit('.').next().unwrap_or(callee);
    let named: Vec<usize> = (0..model.classes.len())
        .filter(|&i| model.classes.get(i).is_some_and(|class| class.name == name))
        .collect();
    if let [only] = named.as_slice() {
        return Some(*only);
    }
    let current = module_names.get(module).map_or("", String::as_str);
    let qualified = |i: usize| {
        let class = model.classes.get(i)?;
        let module = module_names.get(class.module)?;
        Some(format!("{module}.{}", class.name))
    };
    let absolute = absolute_reference(current, callee);
    let by_path: Vec<usize> = if absolute.contains('.') {
        named
            .iter()
            .copied()
            .filter(|&i| qualified(i).is_some_and(|q| ends_with_dotted(&q, &absolute)))
            .collect()
    } else {
        // A bare name: a class of the module itself.
        named
            .iter()
            .copied()
            .filter(|&i| {
                model
                    .classes
                    .get(i)
                    .is_some_and(|class| class.module == module)
            })
            .collect()
    };
    if let [only] = by_path.as_slice() {
        return Some(*only);
    }
    let pool = if by_path.is_empty() { named } else { by_path };
    let closeness = |i: usize| {
        qualified(i).map_or(0, |q| {
            q.split('.')
                .zip(current.split('.'))
                .take_while(|(a, b)| a == b)
                .count()
        })
    };
    let best = pool.iter().map(|&i| closeness(i)).max()?;
    let nearest: Vec<usize> = pool.into_iter().filter(|&i| closeness(i) == best).collect();
    match nearest.as_slice() {
        [only] => Some(*only),
        _ => None,
    }
}

/// Module-level names bound to a settings class instance (`settings = Settings()`).
fn settings_instances(
    modules: &[(&str, &PythonModule)],
    namespaces: &[Namespace],
    settings: Option<&SettingsModel>,
) -> SettingsInstances {
    let mut found = SettingsInstances {
        instances: Vec::new(),
        module_names: modules
            .iter()
            .map(|(name, _)| (*name).to_string())
            .collect(),
    };
    let Some(model) = settings else {
        return found;
    };
    for (index, ((module_name, module), namespace)) in modules.iter().zip(namespaces).enumerate() {
        let evaluator = Evaluator::new(namespace);
        for statement in module.body() {
            if let Stmt::Assign(assign) = statement
                && let [Expr::Name(target)] = assign.targets.as_slice()
                && let Expr::Call(call) = assign.value.as_ref()
                && let Some(callee) = evaluator.qualified_name(&call.func)
                && let Some(class) =
                    settings_class_named(model, &found.module_names, index, &callee)
            {
                found.instances.push(SettingsInstance {
                    qualified: format!("{module_name}.{}", target.id),
                    name: target.id.to_string(),
                    class,
                });
            }
        }
    }
    found
}

/// Finds `uvicorn.run(...)` calls in a module and the names its script part calls.
struct RunFinder<'a, 'e> {
    evaluator: &'e Evaluator<'e>,
    /// Each call with its site and whether a condition encloses it.
    runs: Vec<(&'a ExprCall, RunSite, bool)>,
    /// Names called at module level or under the `__main__` guard (`main` of `main()`).
    script_calls: HashSet<String>,
}

impl<'a> RunFinder<'a, '_> {
    fn body(
        &mut self,
        body: &'a [Stmt],
        site: RunSite,
        conditional: bool,
        script: bool,
        depth: usize,
    ) {
        for statement in body {
            self.statement(statement, site, conditional, script, depth);
        }
    }

    /// `script`: the statement runs when the module is executed (module level or guard).
    fn statement(
        &mut self,
        statement: &'a Stmt,
        site: RunSite,
        conditional: bool,
        script: bool,
        depth: usize,
    ) {
        if depth > MAX_LEAK_DEPTH {
            return;
        }
        let depth = depth + 1;
        match statement {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::If(if_statement) => {
                if site == RunSite::ModuleLevel && is_main_guard(&if_statement.test) {
                    self.body(
                        &if_statement.body,
                        RunSite::MainGuard,
                        conditional,
                        script,
                        depth,
                    );
                    for clause in &if_statement.elif_else_clauses {
                        self.body(&clause.body, site, true, script, depth);
                    }
                } else {
                    self.body(&if_statement.body, site, true, script, depth);
                    for clause in &if_statement.elif_else_clauses {
                        self.body(&clause.body, site, true, script, depth);
                    }
                }
            }
            Stmt::For(for_statement) => {
                self.body(&for_statement.body, site, true, script, depth);
                self.body(&for_statement.orelse, site, true, script, depth);
            }
            Stmt::While(while_statement) => {
                self.body(&while_statement.body, site, true, script, depth);
                self.body(&while_statement.orelse, site, true, script, depth);
            }
            Stmt::Match(match_statement) => {
                for case in &match_statement.cases {
                    self.body(&case.body, site, true, script, depth);
                }
            }
            Stmt::Try(try_statement) => {
                self.body(&try_statement.body, site, conditional, script, depth);
                for handler in &try_statement.handlers {
                    let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                    self.body(&handler.body, site, true, script, depth);
                }
                self.body(&try_statement.orelse, site, conditional, script, depth);
                self.body(&try_statement.finalbody, site, conditional, script, depth);
            }
            Stmt::With(with) => self.body(&with.body, site, conditional, script, depth),
            other => {
                let mut calls = CallFinder::default();
                calls.visit_stmt(other);
                for call in calls.calls {
                    if script && let Expr::Name(name) = call.func.as_ref() {
                        self.script_calls.insert(name.id.to_string());
                    }
                    let callee = self.evaluator.qualified_name(&call.func);
                    if matches!(callee.as_deref(), Some("uvicorn.run" | "uvicorn.main.run")) {
                        self.runs.push((call, site, conditional));
                    }
                }
            }
        }
    }
}

/// `__name__ == "__main__"` (either way round).
fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(compare) = test else {
        return false;
    };
    let ([op], [right]) = (&compare.ops[..], &compare.comparators[..]) else {
        return false;
    };
    if *op != ruff_python_ast::CmpOp::Eq {
        return false;
    }
    let is_name = |expr: &Expr| matches!(expr, Expr::Name(name) if name.id.as_str() == "__name__");
    let is_main =
        |expr: &Expr| matches!(expr, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    (is_name(&compare.left) && is_main(right)) || (is_main(&compare.left) && is_name(right))
}

/// Every call of a project settings class, in module bodies, functions and methods alike.
fn settings_instantiations(
    modules: &[(&str, &PythonModule)],
    namespaces: &[Namespace],
    lookup: &Lookup,
    model: &SettingsModel,
) -> Vec<SettingsInstantiation> {
    let mut found = Vec::new();
    for (index, ((_, module), namespace)) in modules.iter().zip(namespaces).enumerate() {
        let evaluator = Evaluator::new(namespace);
        let mut finder = AllCalls::default();
        for statement in module.body() {
            finder.visit_stmt(statement);
        }
        for call in finder.calls {
            let Some(callee) = evaluator.qualified_name(&call.func) else {
                continue;
            };
            if let Some(class) = settings_class_called(&callee, index, lookup, model) {
                found.push(SettingsInstantiation {
                    class,
                    module: index,
                    span: span_of(call),
                    with_arguments: !call.arguments.is_empty(),
                });
            } else if let Some((class_name, method)) = callee.rsplit_once('.')
                && ALTERNATIVE_CONSTRUCTORS.contains(&method)
                && let Some(class) = settings_class_called(class_name, index, lookup, model)
            {
                found.push(SettingsInstantiation {
                    class,
                    module: index,
                    span: span_of(call),
                    with_arguments: true,
                });
            }
        }
    }
    found
}

/// The settings class a callee name used in `module` refers to: a class of that module
/// (`Settings`), of the module an import names (`.config.Settings`), or, when that module
/// is not among the scanned ones, the only project class with that name.
fn settings_class_called(
    callee: &str,
    module: usize,
    lookup: &Lookup,
    model: &SettingsModel,
) -> Option<usize> {
    let class_in = |target: usize, name: &str| {
        model
            .classes
            .iter()
            .position(|class| class.module == target && class.name == name)
    };
    if !callee.contains('.') {
        return class_in(module, callee);
    }
    if let Some((target, item)) = lookup.resolve_reference(module, callee)
        && let Some(found) = class_in(target, &item)
    {
        return Some(found);
    }
    let name = callee.rsplit('.').next()?;
    let mut same_name = model
        .classes
        .iter()
        .enumerate()
        .filter(|(_, class)| class.name == name);
    let (first, _) = same_name.next()?;
    same_name.next().is_none().then_some(first)
}

/// Collects every call of a body, nested functions, classes and lambdas included.
#[derive(Default)]
struct AllCalls<'a> {
    calls: Vec<&'a ExprCall>,
}

impl<'a> Visitor<'a> for AllCalls<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            self.calls.push(call);
        }
        walk_expr(self, expr);
    }
}

/// `FastAPI(...)`, `Starlette(...)`, `APIRouter(...)`.
fn app_kind(evaluator: &Evaluator<'_>, call: &ExprCall) -> Option<AppKind> {
    match evaluator.qualified_name(&call.func)?.as_str() {
        "fastapi.FastAPI" | "fastapi.applications.FastAPI" => Some(AppKind::FastApi),
        "starlette.applications.Starlette" => Some(AppKind::Starlette),
        "fastapi.APIRouter" | "fastapi.routing.APIRouter" => Some(AppKind::Router),
        _ => None,
    }
}

/// The HTTP methods a route decorator declares (empty: not a route decorator).
fn route_methods(verb: &str, call: &ExprCall, evaluator: &Evaluator<'_>) -> Vec<String> {
    match verb {
        "get" | "post" | "put" | "delete" | "patch" | "options" | "head" | "trace" => {
            vec![verb.to_ascii_uppercase()]
        }
        "websocket" | "websocket_route" => vec!["WEBSOCKET".into()],
        "api_route" | "route" => {
            let listed = call
                .arguments
                .find_keyword("methods")
                .map(|keyword| evaluator.eval(&keyword.value).value);
            match listed {
                Some(Value::List(items) | Value::Tuple(items)) => items
                    .iter()
                    .filter_map(|item| item.value.as_str().map(str::to_ascii_uppercase))
                    .collect(),
                _ => vec!["GET".into()],
            }
        }
        _ => Vec::new(),
    }
}

/// The name an expression refers to: resolved through imports, or, for a local value
/// (`engine = create_engine(...)`), the dotted text itself (`engine.begin`).
fn reference_name(evaluator: &Evaluator<'_>, expr: &Expr) -> Option<String> {
    evaluator
        .qualified_name(expr)
        .or_else(|| dotted_text(expr, 0))
}

fn dotted_text(expr: &Expr, depth: usize) -> Option<String> {
    if depth > 32 {
        return None;
    }
    match expr {
        Expr::Name(name) => Some(name.id.to_string()),
        Expr::Attribute(attribute) => Some(format!(
            "{}.{}",
            dotted_text(&attribute.value, depth + 1)?,
            attribute.attr.as_str()
        )),
        _ => None,
    }
}

/// Indexes for resolving names across modules in constant time.
#[derive(Default)]
struct Lookup {
    module_names: Vec<String>,
    modules_by_name: HashMap<String, usize>,
    /// Every proper dotted suffix of every module name (`api.items`, `items`), first wins.
    modules_by_suffix: HashMap<String, usize>,
    functions: HashMap<(usize, String), usize>,
    apps: HashMap<(usize, String), usize>,
}

impl Lookup {
    fn new(modules: &[(&str, &PythonModule)]) -> Self {
        let mut lookup = Lookup::default();
        for (index, (name, _)) in modules.iter().enumerate() {
            lookup.module_names.push((*name).to_string());
            lookup
                .modules_by_name
                .entry((*name).to_string())
                .or_insert(index);
            let mut rest = *name;
            while let Some((_, suffix)) = rest.split_once('.') {
                lookup
                    .modules_by_suffix
                    .entry(suffix.to_string())
                    .or_insert(index);
                rest = suffix;
            }
        }
        lookup
    }

    /// Resolves a name used in `module` (`items.router`, `.routes.items.router`,
    /// `app.api.deps.get_db`) to (module index, name in that module).
    fn resolve_reference(&self, module: usize, name: &str) -> Option<(usize, String)> {
        let current = self.module_names.get(module)?;
        let absolute = if name.starts_with('.') {
            let level = name.chars().take_while(|&c| c == '.').count();
            let rest = &name[level..];
            let mut parts: Vec<&str> = current.split('.').collect();
            for _ in 0..level {
                parts.pop();
            }
            parts.extend(rest.split('.').filter(|part| !part.is_empty()));
            parts.join(".")
        } else {
            name.to_string()
        };
        let (module_path, item) = absolute.rsplit_once('.')?;
        let mut target = self
            .modules_by_name
            .get(module_path)
            .or_else(|| self.modules_by_suffix.get(module_path))
            .copied();
        let mut rest = module_path;
        while target.is_none()
            && let Some((_, suffix)) = rest.split_once('.')
        {
            target = self.modules_by_name.get(suffix).copied();
            rest = suffix;
        }
        Some((target?, item.to_string()))
    }

    fn function(&self, module: usize, name: &str) -> Option<usize> {
        self.functions.get(&(module, name.to_string())).copied()
    }

    fn app(&self, module: usize, name: &str) -> Option<usize> {
        self.apps.get(&(module, name.to_string())).copied()
    }

    /// The function a name used in `module` refers to: defined there, or imported from
    /// another scanned module.
    fn resolve_function(&self, module: usize, name: &str) -> Option<usize> {
        self.function(module, name).or_else(|| {
            let (target, item) = self.resolve_reference(module, name)?;
            self.function(target, &item)
        })
    }

    /// The app or router a name used in `module` refers to.
    fn resolve_app(&self, module: usize, name: &str) -> Option<usize> {
        self.app(module, name).or_else(|| {
            let (target, item) = self.resolve_reference(module, name)?;
            self.app(target, &item)
        })
    }
}

fn find_function<'m>(
    modules: &[(&str, &'m PythonModule)],
    module: usize,
    name: &str,
) -> Option<&'m StmtFunctionDef> {
    let (_, module) = modules.get(module)?;
    let (class, method) = match name.split_once('.') {
        Some((class, method)) => (Some(class), method),
        None => (None, name),
    };
    for statement in module.body() {
        match (statement, class) {
            (Stmt::FunctionDef(function), None) if function.name.as_str() == method => {
                return Some(function);
            }
            (Stmt::ClassDef(definition), Some(class)) if definition.name.as_str() == class => {
                for inner in &definition.body {
                    if let Stmt::FunctionDef(function) = inner
                        && function.name.as_str() == method
                    {
                        return Some(function);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

fn qualified_function_name(class: Option<&str>, function: &StmtFunctionDef) -> String {
    match class {
        Some(class) => format!("{class}.{}", function.name.as_str()),
        None => function.name.to_string(),
    }
}

/// Reads one function: its calls, dependencies and storage calls.
fn function_facts(
    module: usize,
    class: Option<&str>,
    function: &StmtFunctionDef,
    evaluator: &Evaluator<'_>,
) -> FunctionFacts {
    let mut finder = CallFinder::default();
    for statement in &function.body {
        finder.visit_stmt(statement);
    }
    let calls: Vec<Call> = finder
        .calls
        .iter()
        .map(|call| describe_call(call, &finder.awaited, evaluator))
        .collect();
    let storage_calls = finder
        .calls
        .iter()
        .zip(&calls)
        .filter(|(expr, call)| is_storage_call(expr, call, evaluator))
        .map(|(_, call)| call.clone())
        .collect();
    FunctionFacts {
        module,
        name: qualified_function_name(class, function),
        name_span: span_of(&function.name),
        span: span_of(function),
        is_async: function.is_async,
        calls,
        dependencies: dependencies(function, evaluator),
        storage_calls,
        touches_storage: false,
        lifespan: None,
        leaked_exceptions: leaked_exceptions(function, evaluator),
    }
}

fn describe_call(call: &ExprCall, awaited: &HashSet<u32>, evaluator: &Evaluator<'_>) -> Call {
    let callee =
        reference_name(evaluator, &call.func).unwrap_or_else(|| match call.func.as_ref() {
            Expr::Attribute(attribute) => format!("?.{}", attribute.attr.as_str()),
            _ => "?".to_string(),
        });
    let span = span_of(call);
    Call {
        callee,
        awaited: awaited.contains(&span.start),
        span,
    }
}

/// Whether a call reaches a database or cache.
fn is_storage_call(expr: &ExprCall, call: &Call, evaluator: &Evaluator<'_>) -> bool {
    let method = call.method();
    let is_method = matches!(expr.func.as_ref(), Expr::Attribute(_));
    if is_method && STORAGE_METHODS.contains(&method) {
        return true;
    }
    if is_method && matches!(method, "connect" | "begin") {
        let receiver = call
            .callee
            .rsplit_once('.')
            .map_or("", |(receiver, _)| receiver);
        let receiver = receiver.to_ascii_lowercase();
        return ["engine", "pool", "db", "database", "conn"]
            .iter()
            .any(|word| receiver.contains(word));
    }
    if call.callee == "sqlalchemy.text" || call.callee == "sqlalchemy.sql.text" {
        return expr
            .arguments
            .args
            .first()
            .and_then(|arg| {
                evaluator
                    .eval(arg)
                    .value
                    .as_str()
                    .map(str::to_ascii_uppercase)
            })
            .is_some_and(|sql| {
                ["SELECT", "INSERT", "UPDATE", "DELETE"]
                    .iter()
                    .any(|keyword| sql.trim_start().starts_with(keyword))
            });
    }
    false
}

/// `Depends(dep)` in parameter defaults and `Annotated[..., Depends(dep)]` annotations.
fn dependencies(function: &StmtFunctionDef, evaluator: &Evaluator<'_>) -> Vec<String> {
    let mut found = Vec::new();
    for parameter in function.parameters.iter_non_variadic_params() {
        let mut candidates: Vec<&Expr> = Vec::new();
        if let Some(default) = parameter.default() {
            candidates.push(default);
        }
        if let Some(Expr::Subscript(subscript)) = parameter.parameter.annotation.as_deref()
            && let Expr::Tuple(tuple) = subscript.slice.as_ref()
        {
            candidates.extend(tuple.elts.iter().skip(1));
        }
        for candidate in candidates {
            if let Expr::Call(call) = candidate
                && evaluator
                    .qualified_name(&call.func)
                    .is_some_and(|name| name.rsplit('.').next() == Some("Depends"))
                && let Some(target) = call.arguments.find_argument_value("dependency", 0)
                && let Some(name) = evaluator.qualified_name(target)
            {
                found.push(name);
            }
        }
    }
    found
}

/// The calls before, around and after a lifespan's `yield`.
fn lifespan_facts(function: &StmtFunctionDef, evaluator: &Evaluator<'_>) -> LifespanFacts {
    let mut finder = CallFinder::default();
    for statement in &function.body {
        finder.visit_stmt(statement);
    }
    let Some(yield_span) = finder.first_yield else {
        return LifespanFacts {
            before_yield: finder
                .calls
                .iter()
                .map(|call| describe_call(call, &finder.awaited, evaluator))
                .collect(),
            ..LifespanFacts::default()
        };
    };
    let mut facts = LifespanFacts {
        yield_span: Some(yield_span),
        ..LifespanFacts::default()
    };
    let around: HashSet<u32> = finder
        .with_blocks
        .iter()
        .filter(|(block, _)| block.start <= yield_span.start && yield_span.end <= block.end)
        .flat_map(|(_, items)| items.iter().copied())
        .collect();
    for call in &finder.calls {
        let described = describe_call(call, &finder.awaited, evaluator);
        if around.contains(&described.span.start) {
            facts.around_yield.push(described);
        } else if described.span.start < yield_span.start {
            facts.before_yield.push(described);
        } else {
            facts.after_yield.push(described);
        }
    }
    facts
}

/// A pool creation from a call, if its factory is a known one.
fn pool_creation(
    module: usize,
    call: &ExprCall,
    site: CreationSite,
    resolver: &ArgumentResolver<'_>,
) -> Option<PoolCreation> {
    let factory = resolver.evaluator.qualified_name(&call.func)?;
    if !POOL_FACTORIES.contains(&factory.as_str()) {
        return None;
    }
    let url = ["url", "dsn"]
        .iter()
        .find_map(|name| {
            call.arguments
                .find_keyword(name)
                .map(|keyword| &keyword.value)
        })
        .or_else(|| call.arguments.args.first())
        .map(|expr| resolver.eval(expr));
    let arguments = call
        .arguments
        .keywords
        .iter()
        .filter_map(|keyword| {
            let name = keyword.arg.as_ref()?.as_str();
            POOL_ARGUMENTS
                .contains(&name)
                .then(|| (name.to_string(), resolver.eval(&keyword.value)))
        })
        .collect();
    Some(PoolCreation {
        module,
        factory,
        url,
        arguments,
        unpacked_keywords: call.arguments.keywords.iter().any(|k| k.arg.is_none()),
        site,
        span: span_of(call),
    })
}

/// How deep statements and expressions are followed when looking for leaked exceptions.
const MAX_LEAK_DEPTH: usize = 64;

/// Attributes of an exception that hold no message text (`type(exc)` is handled apart).
const SAFE_EXCEPTION_ATTRIBUTES: &[&str] = &["__class__", "status_code", "errno"];

/// Methods that store their arguments in the receiver (`checks.update(...)`).
const STORING_METHODS: &[&str] = &[
    "append",
    "appendleft",
    "extend",
    "update",
    "insert",
    "add",
    "setdefault",
];

/// Calls whose result says nothing of the exception's text.
const OPAQUE_CALLS: &[&str] = &[
    "type",
    "isinstance",
    "issubclass",
    "id",
    "len",
    "bool",
    "hash",
    "callable",
];

/// See [`FunctionFacts::leaked_exceptions`].
fn leaked_exceptions(function: &StmtFunctionDef, evaluator: &Evaluator<'_>) -> Vec<Span> {
    let mut finder = LeakFinder {
        evaluator,
        caught: Vec::new(),
        tainted: HashMap::new(),
        leaks: Vec::new(),
    };
    finder.body(&function.body, 0);
    let mut leaks = finder.leaks;
    leaks.sort();
    leaks.dedup();
    leaks
}

/// Walks a function body (nested functions, classes and lambdas excluded) following
/// exception text from `except ... as name:` blocks to what the function returns.
struct LeakFinder<'e> {
    evaluator: &'e Evaluator<'e>,
    /// Names bound by the `except ... as name:` blocks being walked, innermost last.
    caught: Vec<String>,
    /// Local variables holding exception text, with where that text is made.
    tainted: HashMap<String, Vec<Span>>,
    leaks: Vec<Span>,
}

impl LeakFinder<'_> {
    fn body(&mut self, body: &[Stmt], depth: usize) {
        for statement in body {
            self.statement(statement, depth);
        }
    }

    fn statement(&mut self, statement: &Stmt, depth: usize) {
        if depth > MAX_LEAK_DEPTH {
            return;
        }
        let depth = depth + 1;
        match statement {
            Stmt::Try(try_statement) => {
                self.body(&try_statement.body, depth);
                for handler in &try_statement.handlers {
                    let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                    let bound = handler.name.as_ref().map(|name| name.id.to_string());
                    if let Some(name) = &bound {
                        self.caught.push(name.clone());
                    }
                    self.body(&handler.body, depth);
                    if bound.is_some() {
                        self.caught.pop();
                    }
                }
                self.body(&try_statement.orelse, depth);
                self.body(&try_statement.finalbody, depth);
            }
            Stmt::Return(ret) => {
                if let Some(value) = &ret.value {
                    let found = self.exposed(value, true, depth);
                    self.leaks.extend(found);
                }
            }
            Stmt::Raise(raise) => {
                if let Some(Expr::Call(call)) = raise.exc.as_deref()
                    && self
                        .evaluator
                        .qualified_name(&call.func)
                        .is_some_and(|name| name.rsplit('.').next() == Some("HTTPException"))
                {
                    let found = self.call_arguments(call, true, depth);
                    self.leaks.extend(found);
                }
            }
            Stmt::Assign(assign) => {
                let found = self.exposed(&assign.value, true, depth);
                for target in &assign.targets {
                    self.taint(target, &found);
                }
            }
            Stmt::AugAssign(assign) => {
                let found = self.exposed(&assign.value, true, depth);
                self.taint(&assign.target, &found);
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    let found = self.exposed(value, true, depth);
                    self.taint(&assign.target, &found);
                }
            }
            Stmt::Expr(expression) => {
                if let Expr::Call(call) = expression.value.as_ref()
                    && let Expr::Attribute(method) = call.func.as_ref()
                    && STORING_METHODS.contains(&method.attr.as_str())
                {
                    let found = self.call_arguments(call, true, depth);
                    self.taint(&method.value, &found);
                }
            }
            Stmt::If(if_statement) => {
                self.body(&if_statement.body, depth);
                for clause in &if_statement.elif_else_clauses {
                    self.body(&clause.body, depth);
                }
            }
            Stmt::For(for_statement) => {
                self.body(&for_statement.body, depth);
                self.body(&for_statement.orelse, depth);
            }
            Stmt::While(while_statement) => {
                self.body(&while_statement.body, depth);
                self.body(&while_statement.orelse, depth);
            }
            Stmt::With(with) => self.body(&with.body, depth),
            Stmt::Match(match_statement) => {
                for case in &match_statement.cases {
                    self.body(&case.body, depth);
                }
            }
            _ => {}
        }
    }

    /// Marks the local variable under `target` (`msg`, `checks["db"]`) as holding the
    /// exception text made at `spans`.
    fn taint(&mut self, target: &Expr, spans: &[Span]) {
        if spans.is_empty() {
            return;
        }
        let mut root = target;
        for _ in 0..MAX_LEAK_DEPTH {
            match root {
                Expr::Subscript(subscript) => root = &subscript.value,
                Expr::Attribute(attribute) => root = &attribute.value,
                _ => break,
            }
        }
        if let Expr::Name(name) = root
            && !matches!(name.id.as_str(), "self" | "cls")
        {
            self.tainted
                .entry(name.id.to_string())
                .or_default()
                .extend_from_slice(spans);
        }
    }

    /// Whether `expr` is the caught exception or a part of it holding its text
    /// (`exc`, `exc.args`, `exc.args[0]`, `exc.orig`), not `exc.__class__`.
    fn is_exception_text(&self, expr: &Expr, depth: usize) -> bool {
        if depth > MAX_LEAK_DEPTH {
            return false;
        }
        match expr {
            Expr::Name(name) => self.caught.iter().any(|caught| caught == name.id.as_str()),
            Expr::Attribute(attribute) => {
                !SAFE_EXCEPTION_ATTRIBUTES.contains(&attribute.attr.as_str())
                    && attribute.attr.as_str() != "__name__"
                    && self.is_exception_text(&attribute.value, depth + 1)
            }
            Expr::Subscript(subscript) => self.is_exception_text(&subscript.value, depth + 1),
            _ => false,
        }
    }

    /// Where exception text is made inside `expr`; `exposed` says whether `expr` itself
    /// is handed out as a value (a dict value, a list item, the returned value), so that a
    /// bare `exc` there counts.
    fn exposed(&self, expr: &Expr, exposed: bool, depth: usize) -> Vec<Span> {
        if depth > MAX_LEAK_DEPTH {
            return Vec::new();
        }
        let depth = depth + 1;
        if let Expr::Name(name) = expr
            && let Some(spans) = self.tainted.get(name.id.as_str())
        {
            return spans.clone();
        }
        if exposed && self.is_exception_text(expr, depth) {
            return vec![span_of(expr)];
        }
        match expr {
            Expr::Attribute(attribute) => self.exposed(&attribute.value, false, depth),
            Expr::Subscript(subscript) => {
                let mut found = self.exposed(&subscript.value, exposed, depth);
                found.extend(self.exposed(&subscript.slice, false, depth));
                found
            }
            Expr::Call(call) => self.call(call, depth),
            Expr::FString(fstring) => {
                let mut found = Vec::new();
                let mut direct = false;
                for part in fstring.value.iter() {
                    let ruff_python_ast::FStringPart::FString(inner) = part else {
                        continue;
                    };
                    for element in inner.elements.iter() {
                        if let ruff_python_ast::InterpolatedStringElement::Interpolation(
                            interpolation,
                        ) = element
                        {
                            if self.is_exception_text(&interpolation.expression, depth) {
                                direct = true;
                            } else {
                                found.extend(self.exposed(&interpolation.expression, true, depth));
                            }
                        }
                    }
                }
                if direct {
                    found.push(span_of(expr));
                }
                found
            }
            Expr::Dict(dict) => dict
                .items
                .iter()
                .flat_map(|item| {
                    let mut found = self.exposed(&item.value, true, depth);
                    if let Some(key) = &item.key {
                        found.extend(self.exposed(key, false, depth));
                    }
                    found
                })
                .collect(),
            Expr::List(list) => self.all_exposed(&list.elts, depth),
            Expr::Tuple(tuple) => self.all_exposed(&tuple.elts, depth),
            Expr::Set(set) => self.all_exposed(&set.elts, depth),
            Expr::BinOp(operation) => {
                if operation.op == ruff_python_ast::Operator::Mod
                    && matches!(
                        operation.left.as_ref(),
                        Expr::StringLiteral(_) | Expr::FString(_)
                    )
                {
                    let direct = match operation.right.as_ref() {
                        Expr::Tuple(tuple) => tuple
                            .elts
                            .iter()
                            .any(|item| self.is_exception_text(item, depth)),
                        other => self.is_exception_text(other, depth),
                    };
                    if direct {
                        return vec![span_of(expr)];
                    }
                }
                let mut found = self.exposed(&operation.left, false, depth);
                found.extend(self.exposed(&operation.right, false, depth));
                found
            }
            Expr::Await(awaited) => self.exposed(&awaited.value, exposed, depth),
            Expr::Starred(starred) => self.exposed(&starred.value, exposed, depth),
            Expr::If(conditional) => {
                let mut found = self.exposed(&conditional.body, exposed, depth);
                found.extend(self.exposed(&conditional.orelse, exposed, depth));
                found
            }
            Expr::BoolOp(operation) => operation
                .values
                .iter()
                .flat_map(|value| self.exposed(value, exposed, depth))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn all_exposed(&self, items: &[Expr], depth: usize) -> Vec<Span> {
        items
            .iter()
            .flat_map(|item| self.exposed(item, true, depth))
            .collect()
    }

    /// Exception text made by a call or passed to one that hands it on.
    fn call(&self, call: &ExprCall, depth: usize) -> Vec<Span> {
        let callee = self.evaluator.qualified_name(&call.func);
        let callee = callee.as_deref().unwrap_or("");
        if !self.caught.is_empty()
            && matches!(
                callee,
                "traceback.format_exc"
                    | "traceback.format_exception"
                    | "traceback.format_exception_only"
                    | "traceback.format_tb"
            )
        {
            return vec![span_of(call)];
        }
        if OPAQUE_CALLS.contains(&callee) {
            return Vec::new();
        }
        // `str(exc)`, `repr(exc)`, `"...".format(exc)`: the text itself.
        let formats = matches!(callee, "str" | "repr" | "ascii" | "format")
            || matches!(call.func.as_ref(), Expr::Attribute(attribute)
                if attribute.attr.as_str() == "format"
                    && matches!(attribute.value.as_ref(), Expr::StringLiteral(_)));
        if formats {
            let direct = call
                .arguments
                .args
                .iter()
                .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value))
                .any(|argument| self.is_exception_text(argument, depth));
            if direct {
                return vec![span_of(call)];
            }
            return self.call_arguments(call, true, depth);
        }
        // Responses and `dict(...)` hand their arguments to the client as they are.
        let last = callee.rsplit('.').next().unwrap_or("");
        let hands_on = last.ends_with("Response") || matches!(last, "HTTPException" | "dict");
        let mut found = self.exposed(&call.func, false, depth);
        found.extend(self.call_arguments(call, hands_on, depth));
        found
    }

    fn call_arguments(&self, call: &ExprCall, exposed: bool, depth: usize) -> Vec<Span> {
        call.arguments
            .args
            .iter()
            .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value))
            .flat_map(|argument| self.exposed(argument, exposed, depth))
            .collect()
    }
}

/// Collects the calls of a body in source order, without entering nested functions,
/// classes or lambdas; notes awaited calls, the first `yield` and `with` blocks.
#[derive(Default)]
struct CallFinder<'a> {
    calls: Vec<&'a ExprCall>,
    awaited: HashSet<u32>,
    first_yield: Option<Span>,
    /// Each `with` statement's span and the starts of the calls in its items.
    with_blocks: Vec<(Span, Vec<u32>)>,
}

impl<'a> Visitor<'a> for CallFinder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::With(with) => {
                let items = with
                    .items
                    .iter()
                    .filter_map(|item| match &item.context_expr {
                        Expr::Call(call) => Some(span_of(call).start),
                        Expr::Await(awaited) => match awaited.value.as_ref() {
                            Expr::Call(call) => Some(span_of(call).start),
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect();
                self.with_blocks.push((span_of(with), items));
                walk_stmt(self, stmt);
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Call(call) => {
                self.calls.push(call);
                walk_expr(self, expr);
            }
            Expr::Await(awaited) => {
                if let Expr::Call(call) = awaited.value.as_ref() {
                    self.awaited.insert(span_of(call).start);
                }
                walk_expr(self, expr);
            }
            Expr::Yield(_) | Expr::YieldFrom(_) => {
                if self.first_yield.is_none() {
                    self.first_yield = Some(span_of(expr));
                }
                walk_expr(self, expr);
            }
            _ => walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::syntax::parse;
    use super::*;

    fn at(text: &str, needle: &str) -> Span {
        let start = text.find(needle).expect("needle in text");
        Span::from_range(start..start + needle.len())
    }

    fn build(files: &[(&str, &str)], with_settings: bool) -> AppModel {
        let parsed: Vec<_> = files.iter().map(|(_, text)| parse(text)).collect();
        for file in &parsed {
            assert_eq!(file.errors, vec![]);
        }
        let modules: Vec<(&str, &PythonModule)> = files
            .iter()
            .zip(&parsed)
            .map(|((name, _), file)| (*name, &file.tree))
            .collect();
        let settings = with_settings.then(|| {
            SettingsModel::build(&parsed.iter().map(|file| &file.tree).collect::<Vec<_>>())
        });
        AppModel::build(&modules, settings.as_ref())
    }

    const MAIN: &str = r#"from contextlib import asynccontextmanager
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine
from .api import items
from .core.config import settings

engine = create_async_engine(settings.DATABASE_URL, pool_size=settings.POOL_SIZE)

@asynccontextmanager
async def lifespan(app):
    pool = await asyncpg.create_pool("postgresql://db/app")
    async with engine.begin() as conn:
        yield
    await pool.close()

app = FastAPI(lifespan=lifespan)
app.include_router(items.router, prefix="/api")

@app.get("/health")
async def health():
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
    return {"ok": True}

@app.on_event("startup")
async def warm():
    sleep(1)
"#;

    const ITEMS: &str = r#"from time import sleep
from fastapi import APIRouter, Depends
from ..deps import get_db

router = APIRouter(prefix="/items")

@router.get("/{item_id}")
async def read(item_id: int, db=Depends(get_db)):
    sleep(0.1)
    return item_id

@router.api_route("/", methods=["GET", "POST"])
def listing():
    return []
"#;

    const DEPS: &str = r#"async def get_db():
    async with SessionLocal() as session:
        await session.execute("SELECT 1")
        yield session
"#;

    const CONFIG: &str = r#"import os
from pydantic_settings import BaseSettings

class Settings(BaseSettings):
    DATABASE_URL: str = "postgresql+asyncpg://localhost/app"
    POOL_SIZE: int = 5

settings = Settings()
"#;

    fn project() -> AppModel {
        build(
            &[
                ("app.main", MAIN),
                ("app.api.items", ITEMS),
                ("app.deps", DEPS),
                ("app.core.config", CONFIG),
            ],
            true,
        )
    }

    #[test]
    fn apps_and_routers() {
        let model = project();
        let apps: Vec<(&str, AppKind, &str, Option<&str>)> = model
            .apps
            .iter()
            .map(|app| {
                (
                    app.name.as_str(),
                    app.kind,
                    app.prefix.as_str(),
                    app.lifespan.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            apps,
            vec![
                ("app", AppKind::FastApi, "", Some("lifespan")),
                ("router", AppKind::Router, "/items", None),
            ]
        );
    }

    #[test]
    fn routes_with_full_paths() {
        let model = project();
        let routes: Vec<(&str, &str, &str, bool)> = model
            .routes
            .iter()
            .map(|route| {
                (
                    route.method.as_str(),
                    route.full_path.as_str(),
                    route.handler.as_str(),
                    route.mounted,
                )
            })
            .collect();
        assert_eq!(
            routes,
            vec![
                ("GET", "/health", "health", true),
                ("GET", "/api/items/{item_id}", "read", true),
                ("GET", "/api/items/", "listing", true),
                ("POST", "/api/items/", "listing", true),
            ]
        );
        assert_eq!(
            model.routes[0].span,
            at(MAIN, "app.get(\"/health\")").cover(Span::empty(at(MAIN, "@app.get").start))
        );
    }

    #[test]
    fn event_handlers() {
        let model = project();
        assert_eq!(model.event_handlers.len(), 1);
        let handler = &model.event_handlers[0];
        assert_eq!(
            (handler.event.as_str(), handler.handler.as_str()),
            ("startup", "warm")
        );
        assert_eq!(handler.registration, EventRegistration::OnEventDecorator);
        assert_eq!(
            handler.span,
            at(MAIN, "app.on_event(\"startup\")")
                .cover(Span::empty(at(MAIN, "@app.on_event").start))
        );
    }

    #[test]
    fn calls_resolved_through_imports() {
        let model = project();
        let read = &model.functions[model.function(1, "read").expect("read")];
        assert!(read.is_async);
        assert_eq!(read.calls[0].callee, "time.sleep");
        assert_eq!(read.calls[0].span, at(ITEMS, "sleep(0.1)"));
        assert!(!read.calls[0].awaited);
        assert_eq!(read.dependencies, vec!["..deps.get_db".to_string()]);
        let warm = &model.functions[model.function(0, "warm").expect("warm")];
        assert_eq!(warm.calls[0].callee, "sleep");
    }

    #[test]
    fn storage_through_calls_and_dependencies() {
        let model = project();
        let health = &model.functions[model.function(0, "health").expect("health")];
        assert!(health.touches_storage);
        let direct: Vec<&str> = health
            .storage_calls
            .iter()
            .map(|call| call.callee.as_str())
            .collect();
        assert_eq!(direct, vec!["engine.connect", "conn.execute"]);
        let read = &model.functions[model.function(1, "read").expect("read")];
        assert!(read.storage_calls.is_empty());
        assert!(read.touches_storage, "through Depends(get_db)");
        let listing = &model.functions[model.function(1, "listing").expect("listing")];
        assert!(!listing.touches_storage);
    }

    #[test]
    fn lifespan_before_around_and_after_yield() {
        let model = project();
        let (_, lifespan) = model.lifespans().next().expect("lifespan");
        assert_eq!(lifespan.name, "lifespan");
        let facts = lifespan.lifespan.as_ref().expect("facts");
        let names = |calls: &[Call]| calls.iter().map(|c| c.callee.clone()).collect::<Vec<_>>();
        assert_eq!(names(&facts.before_yield), vec!["asyncpg.create_pool"]);
        assert_eq!(names(&facts.around_yield), vec!["engine.begin"]);
        assert_eq!(names(&facts.after_yield), vec!["pool.close"]);
        assert!(facts.after_yield[0].awaited);
    }

    #[test]
    fn pools_with_sites_and_settings_resolved_arguments() {
        let model = project();
        assert_eq!(model.pools.len(), 2);
        let engine = &model.pools[0];
        assert_eq!(engine.factory, "sqlalchemy.ext.asyncio.create_async_engine");
        assert_eq!(engine.site, CreationSite::Import);
        let url = engine.url.as_ref().expect("url");
        assert_eq!(
            url.value,
            Value::Str("postgresql+asyncpg://localhost/app".into())
        );
        assert_eq!(url.env_override.as_deref(), Some("DATABASE_URL"));
        assert_eq!(url.span, at(MAIN, "settings.DATABASE_URL"));
        assert_eq!(engine.arguments.len(), 1);
        assert_eq!(engine.arguments[0].0, "pool_size");
        assert_eq!(engine.arguments[0].1.value, Value::Int(5));
        let pool = &model.pools[1];
        assert_eq!(pool.factory, "asyncpg.create_pool");
        assert!(matches!(pool.site, CreationSite::Lifespan(_)));
        assert_eq!(
            pool.url.as_ref().map(|u| u.value.clone()),
            Some(Value::Str("postgresql://db/app".into()))
        );
    }

    /// Two services of one repository, each with its own `settings = Settings()`.
    fn two_services(api_import: &str) -> AppModel {
        let api_config = "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    pool_size: int = 7\nsettings = Settings()\n";
        let worker_config = "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    pool_size: int = 2\n    batch: int = 10\nsettings = Settings()\n";
        let api_db = format!(
            "from sqlalchemy import create_engine\n{api_import}\nengine = create_engine(\"sqlite://\", pool_size=settings.pool_size)\n"
        );
        let worker_db = "from sqlalchemy import create_engine\nfrom app.config import settings\nengine = create_engine(\"sqlite://\", pool_size=settings.pool_size)\n";
        build(
            &[
                ("services.api.app.config", api_config),
                ("services.api.app.db", &api_db),
                ("services.worker.app.config", worker_config),
                ("services.worker.app.db", worker_db),
            ],
            true,
        )
    }

    #[test]
    fn settings_instances_of_several_services_resolve_in_their_own_service() {
        for import in [
            "from app.config import settings",
            "from .config import settings",
            "from services.api.app.config import settings",
        ] {
            let model = two_services(import);
            let sizes: Vec<Value> = model
                .pools
                .iter()
                .map(|pool| pool.arguments[0].1.value.clone())
                .collect();
            assert_eq!(sizes, vec![Value::Int(7), Value::Int(2)], "{import}");
        }
    }

    #[test]
    fn a_settings_instance_named_by_path_wins_over_nearness() {
        let model = two_services("from services.worker.app.config import settings");
        assert_eq!(model.pools[0].arguments[0].1.value, Value::Int(2));
    }

    #[test]
    fn dotted_names_resolve_relative_references_and_match_whole_parts() {
        assert_eq!(
            absolute_reference("a.b.main", ".config.settings"),
            "a.b.config.settings"
        );
        assert_eq!(absolute_reference("a.b.main", "..settings"), "a.settings");
        assert_eq!(absolute_reference("a.b.main", "x.settings"), "x.settings");
        assert!(ends_with_dotted(
            "a.app.config.settings",
            "app.config.settings"
        ));
        assert!(ends_with_dotted("settings", "settings"));
        assert!(!ends_with_dotted(
            "a.myapp.config.settings",
            "app.config.settings"
        ));
    }

    #[test]
    fn pool_with_unpacked_keywords() {
        let text = "from sqlalchemy import create_engine\nengine = create_engine(\"sqlite://\", **options)\nother = create_engine(\"sqlite://\")\n";
        let model = build(&[("db", text)], false);
        assert!(model.pools[0].unpacked_keywords);
        assert!(!model.pools[1].unpacked_keywords);
    }

    #[test]
    fn add_event_handler_and_unmounted_router() {
        let text = "from fastapi import FastAPI, APIRouter\nrouter = APIRouter()\napp = FastAPI()\nasync def start():\n    pass\napp.add_event_handler(\"startup\", start)\n@router.post(\"/x\")\nasync def x():\n    pass\n";
        let model = build(&[("main", text)], false);
        assert_eq!(
            model.event_handlers[0].registration,
            EventRegistration::AddEventHandler
        );
        assert_eq!(model.event_handlers[0].function, model.function(0, "start"));
        assert_eq!(model.routes[0].full_path, "/x");
        assert!(!model.routes[0].mounted);
    }

    #[test]
    fn settings_instantiation_at_module_level() {
        let model = project();
        let calls: Vec<(usize, usize, Span)> = model
            .settings_instantiations
            .iter()
            .map(|call| (call.class, call.module, call.span))
            .collect();
        assert_eq!(calls, vec![(0, 3, at(CONFIG, "Settings()"))]);
        assert!(model.is_instantiated(0));
    }

    #[test]
    fn settings_instantiation_inside_a_cached_getter_of_another_module() {
        let config = "from pydantic_settings import BaseSettings\nclass Base(BaseSettings):\n    pass\nclass Settings(Base):\n    port: int = 8000\n";
        let deps = "from functools import lru_cache\nfrom .config import Settings\n@lru_cache\ndef get_settings():\n    return Settings()\n";
        let model = build(&[("app.config", config), ("app.deps", deps)], true);
        assert_eq!(
            model.settings_instantiations,
            vec![SettingsInstantiation {
                class: 1,
                module: 1,
                span: at(deps, "Settings()"),
                with_arguments: false,
            }]
        );
        assert!(!model.is_instantiated(0));
    }

    #[test]
    fn settings_instantiation_through_a_module_attribute() {
        let config =
            "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    pass\n";
        let main = "from app.core import config\nfrom fastapi import FastAPI\nclass Holder:\n    def make(self):\n        return config.Settings(_env_file=None)\n";
        let model = build(&[("app.core.config", config), ("app.main", main)], true);
        assert_eq!(model.settings_instantiations.len(), 1);
        assert_eq!(
            model.settings_instantiations[0].span,
            at(main, "config.Settings(_env_file=None)")
        );
        assert!(model.settings_instantiations[0].with_arguments);
    }

    #[test]
    fn alternative_constructors_count_as_instantiations_with_arguments() {
        let config =
            "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    pass\n";
        let main = "from app.config import Settings\nimport json\nsettings = Settings.model_validate(json.load(open('s.json')))\n";
        let model = build(&[("app.config", config), ("app.main", main)], true);
        let calls: Vec<(usize, bool)> = model
            .settings_instantiations
            .iter()
            .map(|call| (call.class, call.with_arguments))
            .collect();
        assert_eq!(calls, vec![(0, true)]);
    }

    #[test]
    fn calls_of_other_names_are_not_instantiations() {
        let config = "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    pass\nclass Other:\n    pass\nx = Other()\ny = BaseSettings()\n";
        let model = build(&[("app.config", config)], true);
        assert_eq!(model.settings_instantiations, vec![]);
        let without = build(&[("app.config", config)], false);
        assert_eq!(without.settings_instantiations, vec![]);
    }

    fn leaks_of(text: &str, function: &str) -> Vec<Span> {
        let model = build(&[("app.main", text)], false);
        let index = model.function(0, function).expect("function");
        model.functions[index].leaked_exceptions.clone()
    }

    const HEALTH_HEAD: &str = "import traceback\nfrom fastapi import FastAPI, HTTPException\nfrom fastapi.responses import JSONResponse\napp = FastAPI()\n";

    #[test]
    fn returned_str_of_the_exception_is_a_leak() {
        let text = format!(
            "{HEALTH_HEAD}async def ready():\n    try:\n        await db.execute('SELECT 1')\n    except Exception as exc:\n        return JSONResponse(status_code=503, content={{'error': str(exc)}})\n    return {{'ok': True}}\n"
        );
        assert_eq!(leaks_of(&text, "ready"), vec![at(&text, "str(exc)")]);
    }

    #[test]
    fn fstring_repr_args_and_format_exc_are_leaks() {
        let text = format!(
            "{HEALTH_HEAD}def a():\n    try:\n        pass\n    except OSError as err:\n        return {{'detail': f'db down: {{err!r}}'}}\n\ndef b():\n    try:\n        pass\n    except OSError as err:\n        return [err.args[0]]\n\ndef c():\n    try:\n        pass\n    except OSError as err:\n        return {{'trace': traceback.format_exc()}}\n\ndef d():\n    try:\n        pass\n    except OSError as err:\n        return 'failed: %s' % err\n"
        );
        assert_eq!(leaks_of(&text, "a"), vec![at(&text, "f'db down: {err!r}'")]);
        assert_eq!(leaks_of(&text, "b"), vec![at(&text, "err.args[0]")]);
        assert_eq!(
            leaks_of(&text, "c"),
            vec![at(&text, "traceback.format_exc()")]
        );
        assert_eq!(leaks_of(&text, "d"), vec![at(&text, "'failed: %s' % err")]);
    }

    #[test]
    fn http_exception_detail_is_a_leak() {
        let text = format!(
            "{HEALTH_HEAD}async def health():\n    try:\n        pass\n    except Exception as e:\n        raise HTTPException(status_code=503, detail=repr(e)) from e\n"
        );
        assert_eq!(leaks_of(&text, "health"), vec![at(&text, "repr(e)")]);
    }

    #[test]
    fn exception_text_stored_in_a_local_then_returned_is_a_leak() {
        let text = format!(
            "{HEALTH_HEAD}async def health():\n    checks = {{}}\n    try:\n        await redis.ping()\n        checks['redis'] = 'ok'\n    except Exception as exc:\n        checks['redis'] = str(exc)\n    return checks\n\nasync def other():\n    errors = []\n    try:\n        pass\n    except Exception as exc:\n        message = f'{{exc}}'\n        errors.append(message)\n    return {{'errors': errors}}\n"
        );
        assert_eq!(leaks_of(&text, "health"), vec![at(&text, "str(exc)")]);
        assert_eq!(leaks_of(&text, "other"), vec![at(&text, "f'{exc}'")]);
    }

    #[test]
    fn class_names_logging_and_constants_are_not_leaks() {
        let text = format!(
            "{HEALTH_HEAD}import logging\nlogger = logging.getLogger()\nasync def health():\n    try:\n        pass\n    except Exception as exc:\n        logger.exception(exc)\n        message = str(exc)\n        logger.error(message)\n        return JSONResponse(status_code=503, content={{'status': 'down', 'error': type(exc).__name__, 'kind': exc.__class__.__name__}})\n    return {{'status': 'ok'}}\n\ndef outside():\n    exc = 1\n    return {{'value': exc, 'trace': traceback.format_exc()}}\n\ndef nested():\n    try:\n        pass\n    except Exception as exc:\n        def inner():\n            return str(exc)\n        raise RuntimeError(str(exc))\n"
        );
        assert_eq!(leaks_of(&text, "health"), vec![]);
        assert_eq!(leaks_of(&text, "outside"), vec![]);
        assert_eq!(leaks_of(&text, "nested"), vec![]);
    }

    #[test]
    fn uvicorn_run_under_the_main_guard_with_evaluated_keywords() {
        let text = "import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nif __name__ == \"__main__\":\n    uvicorn.run(\"app.main:app\", host=\"127.0.0.1\", reload=True)\n";
        let model = build(&[("app.main", text)], false);
        assert_eq!(model.uvicorn_runs.len(), 1);
        let run = &model.uvicorn_runs[0];
        assert_eq!(run.site, RunSite::MainGuard);
        assert!(run.runs_as_script);
        assert!(!run.conditional);
        assert_eq!(
            run.span,
            at(
                text,
                "uvicorn.run(\"app.main:app\", host=\"127.0.0.1\", reload=True)"
            )
        );
        let app = run.app.as_ref().expect("app");
        assert_eq!(app.value, Value::Str("app.main:app".into()));
        let reload = run.reload.as_ref().expect("reload");
        assert_eq!(reload.span, at(text, "reload=True"));
        assert_eq!(reload.value.value, Value::Bool(true));
        let host = run.host.as_ref().expect("host");
        assert_eq!(host.span, at(text, "host=\"127.0.0.1\""));
        assert_eq!(host.value.span, at(text, "\"127.0.0.1\""));
        assert_eq!(host.value.value, Value::Str("127.0.0.1".into()));
    }

    #[test]
    fn uvicorn_run_in_a_main_function_called_by_the_guard() {
        let text = "from uvicorn import run\nfrom fastapi import FastAPI\napp = FastAPI()\ndef main():\n    run(app, reload=settings.RELOAD)\ndef unused():\n    run(app)\nif __name__ == '__main__':\n    main()\n";
        let config = "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    RELOAD: bool = True\nsettings = Settings()\n";
        let model = build(&[("app.main", text), ("app.config", config)], true);
        let sites: Vec<(RunSite, bool)> = model
            .uvicorn_runs
            .iter()
            .map(|run| (run.site, run.runs_as_script))
            .collect();
        let main = model.function(0, "main").expect("main");
        let unused = model.function(0, "unused").expect("unused");
        assert_eq!(
            sites,
            vec![
                (RunSite::Function(main), true),
                (RunSite::Function(unused), false)
            ]
        );
        let reload = &model.uvicorn_runs[0].reload.as_ref().expect("reload").value;
        assert_eq!(reload.value, Value::Bool(true));
        assert_eq!(reload.env_override.as_deref(), Some("RELOAD"));
    }

    #[test]
    fn uvicorn_run_at_module_level_and_under_conditions() {
        let text = "import os\nimport uvicorn\nuvicorn.run('main:app', reload=os.getenv('RELOAD') == '1')\nif __name__ == '__main__':\n    if os.getenv('DEV'):\n        uvicorn.run('main:app', reload=True)\nelse:\n    uvicorn.run('main:app')\n";
        let model = build(&[("main", text)], false);
        let runs: Vec<(RunSite, bool)> = model
            .uvicorn_runs
            .iter()
            .map(|run| (run.site, run.conditional))
            .collect();
        assert_eq!(
            runs,
            vec![
                (RunSite::ModuleLevel, false),
                (RunSite::MainGuard, true),
                (RunSite::ModuleLevel, true),
            ]
        );
        let reload = &model.uvicorn_runs[0].reload.as_ref().expect("reload").value;
        assert_eq!(reload.value, Value::Bool(false));
        assert_eq!(reload.env_override.as_deref(), Some("RELOAD"));
    }

    #[test]
    fn nested_routers() {
        let text = "from fastapi import FastAPI, APIRouter\ninner = APIRouter(prefix=\"/b\")\nouter = APIRouter(prefix=\"/a\")\nouter.include_router(inner)\napp = FastAPI()\napp.include_router(outer, prefix=\"/v1\")\n@inner.get(\"/c\")\nasync def c():\n    pass\n";
        let model = build(&[("main", text)], false);
        assert_eq!(model.routes[0].full_path, "/v1/a/b/c");
    }
}
