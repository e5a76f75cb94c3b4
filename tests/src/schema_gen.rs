//! Random JSON values that are valid under a JSON Schema of the spec.
//!
//! The generator reads the spec as served (OpenAPI 3.1, JSON Schema 2020-12,
//! with the 3.0 `nullable` keyword understood too) and follows `$ref`s into
//! `#/components/schemas/...`. It understands `type` (a string or a list that
//! may hold `"null"`), `enum`, `const`, `allOf` (merged), `anyOf`/`oneOf`
//! (one branch, merged with the sibling keywords, which is how
//! `anyOf: [{required: [a]}, {required: [b]}]` works), `if`/`then`/`else`,
//! object `properties`/`required`/`additionalProperties`, arrays with
//! `items`, `prefixItems`, `minItems`/`maxItems`/`uniqueItems`, strings with
//! `minLength`/`maxLength`/`pattern` and the formats the spec uses
//! (`date-time`, `misskey:id`, `id`, `url`, `uri`, `uuid`, `md5`), and
//! numbers with `minimum`/`maximum` (inclusive and exclusive) and `multipleOf`.
//!
//! Randomness comes from proptest's [`TestRunner`], so a fixed seed gives the
//! same values every run. [`SchemaStrategy`] wraps a generator as a proptest
//! [`Strategy`]; the conformance tests drive it case by case with a [`Mode`]
//! that first sweeps the corners (every optional field left out, every one
//! present, every nullable value `null`, each enum value and union branch in
//! turn) and then draws at random.
//!
//! Recursion (`Note.renote` is a `Note`) is bounded: past
//! [`GenOptions::max_depth`] followed references, optional properties are
//! left out, nullable values become `null`, arrays take their minimum length
//! and unions prefer a `null` branch. A schema that *requires* deeper
//! nesting than [`GenOptions::max_depth`] plus a margin makes the generator
//! panic with the pointer where it gave up.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use proptest::prelude::RngExt;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::{Map, Number, Value};

/// Prefix of the property names the generator invents for objects that allow
/// unknown properties (see [`GenOptions::unknown_fields`]).
pub const UNKNOWN_PREFIX: &str = "_unknownField";

/// How one value is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Only what is required: optional properties left out, arrays at their
    /// minimum length, unions and type lists on their first non-null choice.
    Minimal,
    /// Every optional property present, with values (not `null`) where a
    /// value is possible.
    Full,
    /// Every optional property present, and `null` wherever `null` is allowed.
    Nulls,
    /// Like [`Mode::Full`], but the `n`th enum value, union branch and type of
    /// every choice (modulo the number of choices), so that `n = 0, 1, 2, ...`
    /// walks through all of them.
    Sweep(usize),
    /// Every choice at random.
    Random,
}

/// Limits and switches of the generator.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// How many `$ref`s deep values are generated freely before recursion is
    /// cut short (see the module docs).
    pub max_depth: usize,
    /// The usual maximum length of an array without `maxItems` (random mode).
    pub max_items: usize,
    /// The length of the occasional long array (random mode, near the top).
    pub long_items: usize,
    /// The usual maximum length of a string without `maxLength`.
    pub max_string: usize,
    /// Sprinkle invented properties (named [`UNKNOWN_PREFIX`]`N`) into objects
    /// that do not forbid them, as a newer server would send. For responses.
    pub unknown_fields: bool,
    /// Leave out properties of `format: binary` (multipart file parts, which
    /// are not part of the generated request types).
    pub skip_binary: bool,
    /// Properties (by JSON name) whose `number` values, and those of the
    /// lists and maps they hold, are drawn whole: the counts and sizes the
    /// generator reads as integers (`misskey_codegen::passes::fixups::is_count_name`).
    pub whole_numbers: fn(&str) -> bool,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            max_depth: 3,
            max_items: 3,
            long_items: 24,
            max_string: 16,
            unknown_fields: false,
            skip_binary: true,
            whole_numbers: |_| false,
        }
    }
}

/// Generates values for the schemas of one spec document.
pub struct SchemaGen {
    root: Arc<Value>,
    options: GenOptions,
    regexes: Mutex<HashMap<String, Option<Arc<proptest::string::RegexGeneratorStrategy<String>>>>>,
}

/// How far past [`GenOptions::max_depth`] a required chain of references may
/// go before the generator gives up.
const DEPTH_MARGIN: usize = 12;

/// One generation in progress.
struct Ctx<'r> {
    runner: &'r mut TestRunner,
    mode: Mode,
    depth: usize,
    pointer: String,
    /// Inside a property [`GenOptions::whole_numbers`] names.
    whole: bool,
}

impl Ctx<'_> {
    fn bounded(&self, limit: usize) -> bool {
        self.depth >= limit
    }

    fn chance(&mut self, p: f64) -> bool {
        self.runner.rng().random_bool(p)
    }

    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            0
        } else {
            self.runner.rng().random_range(0..n)
        }
    }
}

impl SchemaGen {
    /// A generator for the schemas of `root` (the whole spec document, which
    /// `$ref`s point into).
    pub fn new(root: Arc<Value>, options: GenOptions) -> SchemaGen {
        SchemaGen {
            root,
            options,
            regexes: Mutex::new(HashMap::new()),
        }
    }

    /// The spec document.
    pub fn root(&self) -> &Value {
        &self.root
    }

    /// The options in force.
    pub fn options(&self) -> &GenOptions {
        &self.options
    }

    /// The schema at a JSON pointer of the document (panics when missing).
    pub fn schema_at(&self, pointer: &str) -> &Value {
        self.root
            .pointer(pointer)
            .unwrap_or_else(|| panic!("the spec has no schema at `{pointer}`"))
    }

    /// Draws one value valid under the schema at `pointer`.
    pub fn generate_at(&self, pointer: &str, mode: Mode, runner: &mut TestRunner) -> Value {
        let schema = self.schema_at(pointer).clone();
        self.generate(&schema, pointer, mode, runner)
    }

    /// Draws one value valid under `schema`, whose `$ref`s point into the
    /// document; `pointer` only names the place in panics.
    pub fn generate(
        &self,
        schema: &Value,
        pointer: &str,
        mode: Mode,
        runner: &mut TestRunner,
    ) -> Value {
        let mut cx = Ctx {
            runner,
            mode,
            depth: 0,
            pointer: pointer.to_owned(),
            whole: false,
        };
        self.gen(schema, &mut cx)
    }

    /// Resolves a local reference such as `#/components/schemas/Note`.
    pub fn resolve(&self, reference: &str) -> Option<&Value> {
        let pointer = reference.strip_prefix('#')?;
        self.root.pointer(pointer)
    }

    /// Resolves `$ref`s and merges `allOf` into one schema object. Returns
    /// whether a reference was followed.
    pub fn flatten(&self, schema: &Value) -> (Map<String, Value>, bool) {
        self.flatten_guarded(schema, 0)
    }

    fn flatten_guarded(&self, schema: &Value, guard: usize) -> (Map<String, Value>, bool) {
        assert!(
            guard < 64,
            "`$ref`/`allOf` chain too deep (a reference cycle without data in between?)"
        );
        let obj = match schema {
            Value::Object(obj) => obj.clone(),
            Value::Bool(false) => {
                let mut m = Map::new();
                m.insert("not".into(), Value::Object(Map::new()));
                return (m, false);
            }
            _ => return (Map::new(), false),
        };
        let mut followed = false;
        let mut obj = obj;
        if let Some(Value::String(reference)) = obj.remove("$ref") {
            let target = self
                .resolve(&reference)
                .unwrap_or_else(|| panic!("unresolvable `$ref` {reference}"));
            let (target, _) = self.flatten_guarded(target, guard + 1);
            followed = true;
            obj = merge(target, obj);
        }
        if let Some(Value::Array(parts)) = obj.remove("allOf") {
            for part in parts {
                let (part, f) = self.flatten_guarded(&part, guard + 1);
                followed |= f;
                obj = merge(obj, part);
            }
        }
        (obj, followed)
    }

    fn gen(&self, schema: &Value, cx: &mut Ctx<'_>) -> Value {
        let (s, followed) = self.flatten(schema);
        let entered = usize::from(followed);
        cx.depth += entered;
        assert!(
            cx.depth <= self.options.max_depth + DEPTH_MARGIN,
            "the schema at {} requires nesting deeper than {} references",
            cx.pointer,
            self.options.max_depth + DEPTH_MARGIN
        );
        let value = self.gen_resolved(s, cx);
        cx.depth -= entered;
        value
    }

    /// Generates from a flattened schema: unions first (one branch merged
    /// with the sibling keywords, which may bring another union), then the rest.
    fn gen_resolved(&self, mut s: Map<String, Value>, cx: &mut Ctx<'_>) -> Value {
        let Some(branches) = take_union(&mut s) else {
            return self.gen_flat(s, cx);
        };
        if branches.is_empty() {
            return self.gen_resolved(s, cx);
        }
        let idx = self.pick_branch(&branches, cx);
        let (branch, followed) = self.flatten(&branches[idx]);
        let merged = merge(s, branch);
        let entered = usize::from(followed);
        cx.depth += entered;
        let value = self.gen_resolved(merged, cx);
        cx.depth -= entered;
        value
    }

    /// Which union branch to take.
    fn pick_branch(&self, branches: &[Value], cx: &mut Ctx<'_>) -> usize {
        let null_branch = branches.iter().position(|b| self.is_null_only(b));
        let bounded = cx.bounded(self.options.max_depth);
        match cx.mode {
            Mode::Nulls => null_branch.unwrap_or_else(|| cx.below(branches.len())),
            _ if bounded => null_branch.unwrap_or_else(|| self.least_recursive(branches)),
            Mode::Minimal => (0..branches.len())
                .find(|i| Some(*i) != null_branch)
                .unwrap_or(0),
            Mode::Full => {
                let choices: Vec<usize> = (0..branches.len())
                    .filter(|i| Some(*i) != null_branch)
                    .collect();
                if choices.is_empty() {
                    0
                } else {
                    choices[cx.below(choices.len())]
                }
            }
            Mode::Sweep(n) => n % branches.len(),
            Mode::Random => cx.below(branches.len()),
        }
    }

    /// The first branch that is not a reference (or the first one).
    fn least_recursive(&self, branches: &[Value]) -> usize {
        branches
            .iter()
            .position(|b| b.get("$ref").is_none())
            .unwrap_or(0)
    }

    fn is_null_only(&self, schema: &Value) -> bool {
        let (s, _) = self.flatten(schema);
        match s.get("type") {
            Some(Value::String(t)) => t == "null",
            Some(Value::Array(ts)) => ts.len() == 1 && ts[0] == "null",
            _ => s.get("const") == Some(&Value::Null),
        }
    }

    /// Generates from a schema whose references and compositions are gone.
    fn gen_flat(&self, mut s: Map<String, Value>, cx: &mut Ctx<'_>) -> Value {
        if let Some(v) = s.get("const") {
            return v.clone();
        }
        let if_schema = s.remove("if");
        let then_schema = s.remove("then");
        let else_schema = s.remove("else");
        if let Some(Value::Array(options)) = s.get("enum") {
            if !options.is_empty() {
                let idx = match cx.mode {
                    Mode::Sweep(n) => n % options.len(),
                    Mode::Minimal => 0,
                    _ => cx.below(options.len()),
                };
                return options[idx].clone();
            }
        }
        let types = self.allowed_types(&s);
        let ty = self.pick_type(&types, cx);
        let value = match ty {
            "null" => Value::Null,
            "boolean" => Value::Bool(match cx.mode {
                Mode::Minimal => false,
                Mode::Sweep(n) => n % 2 == 1,
                _ => cx.chance(0.5),
            }),
            "integer" => self.gen_integer(&s, cx),
            "number" => self.gen_number(&s, cx),
            "string" => self.gen_string(&s, cx),
            "array" => self.gen_array(&s, cx),
            "object" => self.gen_object(&s, cx),
            _ => self.gen_any(cx, 2),
        };
        // `if`/`then`/`else`: when the condition holds, draw again with the
        // `then` keywords added (they narrow the value); likewise `else`.
        if let Some(cond) = if_schema {
            let holds = simple_match(&cond, &value);
            let extra = if holds { then_schema } else { else_schema };
            if let Some(extra) = extra {
                let (extra, _) = self.flatten(&extra);
                let merged = merge(s, extra);
                return self.gen_flat(merged, cx);
            }
        }
        value
    }

    /// The JSON types a flattened schema allows, `"null"` included.
    fn allowed_types(&self, s: &Map<String, Value>) -> Vec<&'static str> {
        const ALL: [&str; 7] = [
            "null", "boolean", "integer", "number", "string", "array", "object",
        ];
        let mut types: Vec<&'static str> = match s.get("type") {
            Some(Value::String(t)) => ALL.iter().filter(|a| **a == t).copied().collect(),
            Some(Value::Array(list)) => ALL
                .iter()
                .filter(|a| list.iter().any(|t| t == **a))
                .copied()
                .collect(),
            _ => {
                if s.contains_key("properties") || s.contains_key("additionalProperties") {
                    vec!["object"]
                } else if s.contains_key("items") || s.contains_key("prefixItems") {
                    vec!["array"]
                } else if s.contains_key("minLength")
                    || s.contains_key("maxLength")
                    || s.contains_key("pattern")
                    || s.contains_key("format")
                {
                    vec!["string"]
                } else {
                    vec!["any"]
                }
            }
        };
        if s.get("nullable") == Some(&Value::Bool(true)) && !types.contains(&"null") {
            types.push("null");
        }
        // An integer is also a number; keep the narrower one.
        if types.contains(&"integer") && types.contains(&"number") {
            types.retain(|t| *t != "integer");
        }
        types
    }

    fn pick_type(&self, types: &[&'static str], cx: &mut Ctx<'_>) -> &'static str {
        if types.is_empty() {
            return "any";
        }
        let non_null: Vec<&'static str> = types.iter().copied().filter(|t| *t != "null").collect();
        let has_null = non_null.len() != types.len();
        if non_null.is_empty() {
            return "null";
        }
        let bounded = cx.bounded(self.options.max_depth);
        match cx.mode {
            Mode::Nulls if has_null => "null",
            _ if bounded && has_null => "null",
            Mode::Minimal | Mode::Full | Mode::Nulls => non_null[0],
            Mode::Sweep(n) => types[n % types.len()],
            Mode::Random => {
                if has_null && cx.chance(0.25) {
                    "null"
                } else {
                    non_null[cx.below(non_null.len())]
                }
            }
        }
    }

    fn gen_integer(&self, s: &Map<String, Value>, cx: &mut Ctx<'_>) -> Value {
        let (lo, hi) = int_bounds(s);
        let step = s
            .get("multipleOf")
            .and_then(Value::as_f64)
            .filter(|m| *m >= 1.0 && m.fract() == 0.0)
            .map(|m| m as i64)
            .unwrap_or(1);
        let mut candidates = vec![lo, hi, 0, 1, -1, 2, 10, 100, 1_000_000, -100];
        candidates.retain(|c| *c >= lo && *c <= hi);
        let pick = match cx.mode {
            Mode::Minimal => candidates.first().copied().unwrap_or(lo),
            Mode::Sweep(n) if !candidates.is_empty() => candidates[n % candidates.len()],
            _ => {
                if !candidates.is_empty() && cx.chance(0.4) {
                    candidates[cx.below(candidates.len())]
                } else if cx.chance(0.7) {
                    // Mostly small numbers, as servers send.
                    let small_hi = hi.min(lo.saturating_add(1000).max(1000));
                    let small_lo = lo.max(small_hi.saturating_sub(2000));
                    cx.runner.rng().random_range(small_lo..=small_hi)
                } else {
                    cx.runner.rng().random_range(lo..=hi)
                }
            }
        };
        let pick = if step > 1 {
            let down = pick.div_euclid(step) * step;
            if down >= lo {
                down
            } else {
                down + step
            }
        } else {
            pick
        };
        Value::Number(Number::from(pick))
    }

    fn gen_number(&self, s: &Map<String, Value>, cx: &mut Ctx<'_>) -> Value {
        let (lo, lo_excl) = bound(s, "minimum", "exclusiveMinimum", f64::MIN);
        let (hi, hi_excl) = bound(s, "maximum", "exclusiveMaximum", f64::MAX);
        let lo = if lo == f64::MIN { -1.0e12 } else { lo };
        let hi = if hi == f64::MAX { 1.0e12 } else { hi };
        let ok = |x: f64| {
            (if lo_excl { x > lo } else { x >= lo }) && (if hi_excl { x < hi } else { x <= hi })
        };
        let mut candidates: Vec<f64> = vec![lo, hi, 0.0, 1.0, -1.0, 0.5, 3.25, 1.0e-7, 12345.0];
        candidates.retain(|c| ok(*c));
        let x = match cx.mode {
            Mode::Minimal if !candidates.is_empty() => candidates[0],
            Mode::Sweep(n) if !candidates.is_empty() => candidates[n % candidates.len()],
            _ => {
                if !candidates.is_empty() && cx.chance(0.4) {
                    candidates[cx.below(candidates.len())]
                } else {
                    let mut x;
                    let mut tries = 0;
                    loop {
                        let t: f64 = cx.runner.rng().random();
                        x = lo + (hi - lo) * t;
                        if cx.chance(0.5) {
                            // A whole number, sent as an integer.
                            x = x.round();
                        } else {
                            x = (x * 1000.0).round() / 1000.0;
                        }
                        tries += 1;
                        if ok(x) || tries > 20 {
                            break;
                        }
                    }
                    if ok(x) {
                        x
                    } else {
                        (lo + hi) / 2.0
                    }
                }
            }
        };
        let x = if cx.whole && ok(x.round()) {
            x.round()
        } else {
            x
        };
        number_value(x)
    }

    fn gen_string(&self, s: &Map<String, Value>, cx: &mut Ctx<'_>) -> Value {
        let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = s
            .get("maxLength")
            .and_then(Value::as_u64)
            .map(|m| m as usize)
            .unwrap_or(usize::MAX);
        let fits = |t: &str| {
            let n = t.chars().count();
            n >= min && n <= max
        };
        if let Some(Value::String(pattern)) = s.get("pattern") {
            for _ in 0..50 {
                if let Some(t) = self.string_matching(pattern, cx) {
                    if fits(&t) {
                        return Value::String(t);
                    }
                } else {
                    break;
                }
            }
            panic!(
                "cannot draw a string of length {min}..={max} for pattern {pattern:?} at {}",
                cx.pointer
            );
        }
        let format = s.get("format").and_then(Value::as_str).unwrap_or("");
        if let Some(t) = gen_format(format, cx) {
            if fits(&t) {
                return Value::String(t);
            }
        }
        let cap = max.min(min.max(self.options.max_string));
        let long = cx.mode == Mode::Random && cx.chance(0.03);
        let len = match cx.mode {
            Mode::Minimal => min,
            Mode::Sweep(n) if n % 4 == 3 => max.min(min.max(300)),
            Mode::Random if long => cx.runner.rng().random_range(min..=max.min(min + 2000)),
            _ => {
                if cap <= min {
                    min
                } else {
                    cx.runner.rng().random_range(min..=cap)
                }
            }
        };
        Value::String(random_text(len, cx))
    }

    fn string_matching(&self, pattern: &str, cx: &mut Ctx<'_>) -> Option<String> {
        let strategy = {
            let mut cache = self.regexes.lock().unwrap();
            cache
                .entry(pattern.to_owned())
                .or_insert_with(|| {
                    proptest::string::string_regex(&ecma_to_rust_regex(pattern))
                        .ok()
                        .map(Arc::new)
                })
                .clone()
        }?;
        let tree = strategy.new_tree(cx.runner).ok()?;
        Some(tree.current())
    }

    fn gen_array(&self, s: &Map<String, Value>, cx: &mut Ctx<'_>) -> Value {
        let min = s.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = s
            .get("maxItems")
            .and_then(Value::as_u64)
            .map(|m| m as usize)
            .unwrap_or(usize::MAX);
        let unique = s.get("uniqueItems") == Some(&Value::Bool(true));
        if let Some(Value::Array(prefix)) = s.get("prefixItems") {
            let prefix = prefix.clone();
            let mut out = Vec::new();
            for (i, item) in prefix.iter().enumerate() {
                out.push(self.child(item, &format!("/prefixItems/{i}"), cx));
            }
            return Value::Array(out);
        }
        let bounded = cx.bounded(self.options.max_depth);
        let len = match cx.mode {
            _ if bounded => min,
            Mode::Minimal => min,
            Mode::Full | Mode::Nulls => min.max(1).min(max),
            Mode::Sweep(n) => (min + n % 3).min(max),
            Mode::Random => {
                let roll = cx.below(20);
                let wanted = if roll == 0 && cx.depth == 0 {
                    self.options.long_items
                } else {
                    cx.below(self.options.max_items + 1)
                };
                wanted.clamp(min, max.max(min))
            }
        };
        let items = s.get("items").cloned().unwrap_or(Value::Bool(true));
        let mut out: Vec<Value> = Vec::with_capacity(len);
        let mut tries = 0;
        while out.len() < len && tries < len * 4 + 8 {
            tries += 1;
            let v = self.child(&items, "/items", cx);
            if unique && out.iter().any(|o| same_json(o, &v)) {
                continue;
            }
            out.push(v);
        }
        Value::Array(out)
    }

    fn gen_object(&self, s: &Map<String, Value>, cx: &mut Ctx<'_>) -> Value {
        let required: BTreeSet<String> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let props = s
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let bounded = cx.bounded(self.options.max_depth);
        let mut out = Map::new();
        for (name, prop) in &props {
            if self.options.skip_binary && self.is_binary(prop) {
                continue;
            }
            let present = required.contains(name)
                || match cx.mode {
                    _ if bounded => false,
                    Mode::Minimal => false,
                    Mode::Full | Mode::Nulls | Mode::Sweep(_) => true,
                    Mode::Random => cx.chance(0.5),
                };
            if present {
                let outer = cx.whole;
                cx.whole = (self.options.whole_numbers)(name);
                let v = self.child(prop, &format!("/properties/{name}"), cx);
                cx.whole = outer;
                out.insert(name.clone(), v);
            }
        }
        // Required names without a property schema: anything goes.
        for name in &required {
            if !out.contains_key(name) && !props.contains_key(name) {
                let v = self.gen_any(cx, 1);
                out.insert(name.clone(), v);
            }
        }
        let extra_count = |cx: &mut Ctx<'_>| match cx.mode {
            Mode::Minimal => 0,
            _ if bounded => 0,
            Mode::Full | Mode::Nulls => 1,
            Mode::Sweep(n) => n % 3,
            Mode::Random => cx.below(4),
        };
        match s.get("additionalProperties") {
            Some(Value::Bool(false)) => {}
            Some(Value::Object(extra)) => {
                let extra = Value::Object(extra.clone());
                let n = extra_count(cx);
                for i in 0..n {
                    let key = self.map_key(i, &props, cx);
                    let v = self.child(&extra, "/additionalProperties", cx);
                    out.insert(key, v);
                }
            }
            Some(Value::Bool(true)) => {
                let n = extra_count(cx);
                for i in 0..n {
                    let key = self.map_key(i, &props, cx);
                    let v = self.gen_any(cx, 2);
                    out.insert(key, v);
                }
            }
            _ => {
                if self.options.unknown_fields && !bounded {
                    let n = match cx.mode {
                        Mode::Random => cx.below(3),
                        Mode::Full | Mode::Nulls | Mode::Sweep(_) => 1,
                        Mode::Minimal => 0,
                    };
                    for i in 0..n {
                        let v = self.gen_any(cx, 2);
                        out.insert(format!("{UNKNOWN_PREFIX}{i}"), v);
                    }
                }
            }
        }
        Value::Object(out)
    }

    /// A key for an `additionalProperties` entry that is not a declared property.
    fn map_key(&self, i: usize, props: &Map<String, Value>, cx: &mut Ctx<'_>) -> String {
        let samples = ["key", "😀", "a b", "x-y", "Ünïcode", ":blobcat:", ""];
        let base = samples[cx.below(samples.len())];
        let mut key = format!("{base}{i}");
        while props.contains_key(&key) {
            key.push('_');
        }
        key
    }

    fn is_binary(&self, prop: &Value) -> bool {
        let (s, _) = self.flatten(prop);
        s.get("format").and_then(Value::as_str) == Some("binary")
    }

    /// Generates a nested value, extending the pointer used in messages.
    fn child(&self, schema: &Value, step: &str, cx: &mut Ctx<'_>) -> Value {
        let len = cx.pointer.len();
        cx.pointer.push_str(step);
        let v = self.gen(schema, cx);
        cx.pointer.truncate(len);
        v
    }

    /// Any JSON value, nested at most `depth` levels.
    fn gen_any(&self, cx: &mut Ctx<'_>, depth: usize) -> Value {
        let kinds = if depth == 0 { 4 } else { 6 };
        match cx.below(kinds) {
            0 => Value::Null,
            1 => Value::Bool(cx.chance(0.5)),
            2 => number_value((cx.runner.rng().random_range(-1000..1000) as f64) / 4.0),
            3 => Value::String(random_text(cx.below(8), cx)),
            4 => Value::Array(
                (0..cx.below(3))
                    .map(|_| self.gen_any(cx, depth - 1))
                    .collect(),
            ),
            _ => Value::Object(
                (0..cx.below(3))
                    .map(|i| (format!("k{i}"), self.gen_any(cx, depth - 1)))
                    .collect(),
            ),
        }
    }
}

/// A proptest [`Strategy`] of values valid under one schema of a spec.
///
/// Values do not shrink: a failure is reported with the whole value and the
/// JSON path at which decoding failed, which is what is needed to find the
/// fault in the generated type.
#[derive(Clone)]
pub struct SchemaStrategy {
    /// The generator (and so the spec document).
    pub generator: Arc<SchemaGen>,
    /// JSON pointer of the schema in the document.
    pub pointer: String,
    /// How the values are drawn.
    pub mode: Mode,
}

impl std::fmt::Debug for SchemaStrategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SchemaStrategy({}, {:?})", self.pointer, self.mode)
    }
}

/// The value tree of [`SchemaStrategy`]: one value, no simplification.
#[derive(Debug, Clone)]
pub struct Drawn(pub Value);

impl ValueTree for Drawn {
    type Value = Value;
    fn current(&self) -> Value {
        self.0.clone()
    }
    fn simplify(&mut self) -> bool {
        false
    }
    fn complicate(&mut self) -> bool {
        false
    }
}

impl Strategy for SchemaStrategy {
    type Tree = Drawn;
    type Value = Value;
    fn new_tree(&self, runner: &mut TestRunner) -> proptest::strategy::NewTree<Self> {
        Ok(Drawn(self.generator.generate_at(
            &self.pointer,
            self.mode,
            runner,
        )))
    }
}

/// Merges two schema objects as `allOf: [a, b]` would constrain a value.
pub fn merge(mut a: Map<String, Value>, b: Map<String, Value>) -> Map<String, Value> {
    for (key, bv) in b {
        let Some(av) = a.remove(&key) else {
            a.insert(key, bv);
            continue;
        };
        let merged = match key.as_str() {
            "properties" => {
                let mut ap = av.as_object().cloned().unwrap_or_default();
                for (name, bs) in bv.as_object().cloned().unwrap_or_default() {
                    let combined = match ap.remove(&name) {
                        Some(asch) => all_of(asch, bs),
                        None => bs,
                    };
                    ap.insert(name, combined);
                }
                Value::Object(ap)
            }
            "required" => {
                let mut names: Vec<Value> = av.as_array().cloned().unwrap_or_default();
                for n in bv.as_array().cloned().unwrap_or_default() {
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
                Value::Array(names)
            }
            "type" => {
                let at = type_list(&av);
                let bt = type_list(&bv);
                let both: Vec<Value> = at
                    .iter()
                    .filter(|t| {
                        bt.contains(t) || (*t == "integer" && bt.iter().any(|b| b == "number"))
                    })
                    .cloned()
                    .map(Value::String)
                    .collect();
                if both.is_empty() {
                    // `{type: object, anyOf: [{$ref}, {type: null}]}`: the spec
                    // means a nullable object (as the code generator reads
                    // it), though strictly `type` would forbid the `null`
                    // branch. Follow the meaning: the later schema wins.
                    bv
                } else {
                    Value::Array(both)
                }
            }
            "enum" => {
                let bl = bv.as_array().cloned().unwrap_or_default();
                Value::Array(
                    av.as_array()
                        .cloned()
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|v| bl.contains(v))
                        .collect(),
                )
            }
            "minimum" | "minLength" | "minItems" | "minProperties" => {
                if bv.as_f64() > av.as_f64() {
                    bv
                } else {
                    av
                }
            }
            "maximum" | "maxLength" | "maxItems" | "maxProperties" => {
                if bv.as_f64() < av.as_f64() {
                    bv
                } else {
                    av
                }
            }
            "nullable" => Value::Bool(av == Value::Bool(true) && bv == Value::Bool(true)),
            "items" | "additionalProperties" => match (&av, &bv) {
                (Value::Bool(false), _) | (_, Value::Bool(false)) => Value::Bool(false),
                (Value::Bool(true), _) => bv,
                (_, Value::Bool(true)) => av,
                _ => all_of(av, bv),
            },
            "anyOf" | "oneOf" => {
                // Two unions side by side: both must hold; keep the second for later.
                let mut more = match a.remove("x-more-unions") {
                    Some(Value::Array(l)) => l,
                    _ => Vec::new(),
                };
                more.push(bv);
                a.insert("x-more-unions".into(), Value::Array(more));
                av
            }
            "x-more-unions" => {
                let mut l = av.as_array().cloned().unwrap_or_default();
                l.extend(bv.as_array().cloned().unwrap_or_default());
                Value::Array(l)
            }
            "nullable-note" | "description" | "example" | "title" => av,
            _ => bv,
        };
        a.insert(key, merged);
    }
    a
}

/// Removes one union (`anyOf`, `oneOf` or a pending second union) from a
/// flattened schema and returns its branches.
fn take_union(s: &mut Map<String, Value>) -> Option<Vec<Value>> {
    for key in ["anyOf", "oneOf"] {
        if let Some(v) = s.remove(key) {
            return Some(v.as_array().cloned().unwrap_or_default());
        }
    }
    if let Some(Value::Array(mut more)) = s.remove("x-more-unions") {
        if more.is_empty() {
            return None;
        }
        let first = more.remove(0);
        if !more.is_empty() {
            s.insert("x-more-unions".into(), Value::Array(more));
        }
        return Some(first.as_array().cloned().unwrap_or_default());
    }
    None
}

fn all_of(a: Value, b: Value) -> Value {
    let mut m = Map::new();
    m.insert("allOf".into(), Value::Array(vec![a, b]));
    Value::Object(m)
}

fn type_list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(l) => l
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `value` satisfies the simple keywords of `schema` (`type`,
/// `enum`, `const`, `required`, `properties`), enough for the conditions of
/// `if` in the spec.
pub fn simple_match(schema: &Value, value: &Value) -> bool {
    let Some(s) = schema.as_object() else {
        return schema != &Value::Bool(false);
    };
    if let Some(t) = s.get("type") {
        let types = type_list(t);
        let kind = json_type(value);
        let ok = types
            .iter()
            .any(|t| t == kind || (t == "number" && kind == "integer"));
        if !ok {
            return false;
        }
    }
    if let Some(Value::Array(options)) = s.get("enum") {
        if !options.iter().any(|o| same_json(o, value)) {
            return false;
        }
    }
    if let Some(c) = s.get("const") {
        if !same_json(c, value) {
            return false;
        }
    }
    if let Value::Object(obj) = value {
        if let Some(Value::Array(req)) = s.get("required") {
            if !req
                .iter()
                .all(|r| r.as_str().is_some_and(|r| obj.contains_key(r)))
            {
                return false;
            }
        }
        if let Some(Value::Object(props)) = s.get("properties") {
            for (name, sub) in props {
                if let Some(v) = obj.get(name) {
                    if !simple_match(sub, v) {
                        return false;
                    }
                }
            }
        }
    }
    true
}

/// The JSON Schema type name of a value (`integer` for whole numbers).
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                "integer"
            } else {
                "number"
            }
        }
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

fn int_bounds(s: &Map<String, Value>) -> (i64, i64) {
    // Stay within what JavaScript (and so Misskey) can send exactly.
    const SAFE: f64 = 9_007_199_254_740_991.0;
    let (lo, lo_excl) = bound(s, "minimum", "exclusiveMinimum", -SAFE);
    let (hi, hi_excl) = bound(s, "maximum", "exclusiveMaximum", SAFE);
    let mut lo = lo.max(-SAFE).ceil() as i64;
    let mut hi = hi.min(SAFE).floor() as i64;
    if lo_excl {
        lo += 1;
    }
    if hi_excl {
        hi -= 1;
    }
    if hi < lo {
        hi = lo;
    }
    (lo, hi)
}

/// A bound and whether it is exclusive, in either the 3.0 (`exclusiveMinimum:
/// true`) or the 2020-12 (`exclusiveMinimum: 3`) spelling.
fn bound(s: &Map<String, Value>, plain: &str, exclusive: &str, default: f64) -> (f64, bool) {
    let inclusive = s.get(plain).and_then(Value::as_f64);
    match s.get(exclusive) {
        Some(Value::Number(n)) => {
            let e = n.as_f64().unwrap_or(default);
            match inclusive {
                Some(i) if (plain == "minimum" && i > e) || (plain == "maximum" && i < e) => {
                    (i, false)
                }
                _ => (e, true),
            }
        }
        Some(Value::Bool(true)) => (inclusive.unwrap_or(default), inclusive.is_some()),
        _ => (inclusive.unwrap_or(default), false),
    }
}

/// A JSON number: an integer when `x` is whole (as JavaScript prints it).
pub fn number_value(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::Number(Number::from(x as i64))
    } else {
        Number::from_f64(x)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

/// Strings in the form a format names, or `None` for free text.
fn gen_format(format: &str, cx: &mut Ctx<'_>) -> Option<String> {
    let rng = cx.runner.rng();
    Some(match format {
        "date-time" => {
            // 2000-01-01 .. 2099-12-31, in the forms RFC 3339 allows.
            let secs: i64 = rng.random_range(946_684_800..4_102_444_800);
            let t = chrono::DateTime::from_timestamp(secs, 0)?;
            let millis: u32 = rng.random_range(0..1000);
            match rng.random_range(0..4) {
                0 => format!("{}.{millis:03}Z", t.format("%Y-%m-%dT%H:%M:%S")),
                1 => format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S")),
                2 => {
                    let offset = chrono::FixedOffset::east_opt(9 * 3600)?;
                    format!(
                        "{}.{millis:03}+09:00",
                        t.with_timezone(&offset).format("%Y-%m-%dT%H:%M:%S")
                    )
                }
                _ => format!(
                    "{}.{:06}Z",
                    t.format("%Y-%m-%dT%H:%M:%S"),
                    rng.random_range(0..1_000_000u32)
                ),
            }
        }
        "misskey:id" | "id" => {
            // aid (10), aidx (16), meid/objectid (24 hex), ulid (26).
            let (len, alphabet): (usize, &[u8]) = match rng.random_range(0..4) {
                0 => (10, b"0123456789abcdefghijklmnopqrstuvwxyz"),
                1 => (16, b"0123456789abcdefghijklmnopqrstuvwxyz"),
                2 => (24, b"0123456789abcdef"),
                _ => (26, b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"),
            };
            (0..len)
                .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
                .collect()
        }
        "url" | "uri" => {
            let n: u32 = rng.random_range(0..100_000);
            match rng.random_range(0..3) {
                0 => format!("https://misskey.example/files/{n}.webp"),
                1 => format!("https://remote.example:8443/@user{n}?x=%E8%97%8D&y=1#frag"),
                _ => format!("http://127.0.0.1/proxy/{n}/avatar.png"),
            }
        }
        "uuid" => {
            let hex = |rng: &mut proptest::test_runner::TestRng, n: usize| -> String {
                (0..n)
                    .map(|_| b"0123456789abcdef"[rng.random_range(0..16)] as char)
                    .collect()
            };
            format!(
                "{}-{}-4{}-a{}-{}",
                hex(rng, 8),
                hex(rng, 4),
                hex(rng, 3),
                hex(rng, 3),
                hex(rng, 12)
            )
        }
        "md5" => (0..32)
            .map(|_| b"0123456789abcdef"[rng.random_range(0..16)] as char)
            .collect(),
        _ => return None,
    })
}

/// Text of `len` characters mixing ASCII, JSON escapes and other scripts.
fn random_text(len: usize, cx: &mut Ctx<'_>) -> String {
    const PIECES: &[char] = &[
        'a', 'b', 'z', 'A', 'Q', '0', '7', ' ', '_', '-', '.', ':', '"', '\\', '/', '\n', '\t',
        '\u{1}', 'é', 'ß', '藍', 'ミ', '🎉', '😀', '\u{301}', '\u{200d}', '\u{fffd}', 'Ω',
    ];
    let rng = cx.runner.rng();
    (0..len)
        .map(|_| PIECES[rng.random_range(0..PIECES.len())])
        .collect()
}

/// Rewrites an ECMAScript pattern (as JSON Schema uses) into the Rust regex
/// syntax that proptest generates from, with ECMAScript's ASCII meaning of
/// `\w`, `\d` and `\s`, and without the anchors (generated strings match as a
/// whole anyway).
pub fn ecma_to_rust_regex(pattern: &str) -> String {
    let p = pattern
        .replace("[^\\s]", "[!-~]")
        .replace("\\w", "[a-zA-Z0-9_]")
        .replace("\\d", "[0-9]")
        // ECMAScript's whitespace, so that `[^\s]` excludes all of it (U+FEFF too).
        .replace(
            "\\s",
            "[ \\t\\n\\x0B\\x0C\\r\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]",
        );
    let p = p.strip_prefix('^').unwrap_or(&p);
    let p = p.strip_suffix('$').unwrap_or(p);
    // Inside a class, the replacement of `\w` must not nest brackets.
    fix_nested_classes(p)
}

/// `[[a-z]x]` → `[a-zx]`: flattens brackets introduced inside classes.
fn fix_nested_classes(p: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    let mut escaped = false;
    for c in p.chars() {
        if escaped {
            out.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                out.push(c);
            }
            '[' => {
                if depth == 0 {
                    out.push(c);
                }
                depth += 1;
            }
            ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecma_patterns() {
        assert_eq!(ecma_to_rust_regex("^\\w{1,20}$"), "[a-zA-Z0-9_]{1,20}");
        assert_eq!(ecma_to_rust_regex("[^\\s]+"), "[!-~]+");
        assert_eq!(ecma_to_rust_regex("^[\\w-]+$"), "[a-zA-Z0-9_-]+");
    }
}
