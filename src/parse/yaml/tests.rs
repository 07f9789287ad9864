use std::time::{Duration, Instant};

use super::*;

fn parse_ok(text: &str) -> YamlStream {
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed.tree
}

fn slice(text: &str, span: Span) -> &str {
    span.text(text)
}

#[test]
fn scalars_keep_raw_text_style_and_byte_spans() {
    let text =
        "a: plain\nb: 'single'\nc: \"dou\\tble\"\nd: |\n  line1\n  line2\n\ne: >\n  fold\n  ed\n";
    let stream = parse_ok(text);
    let root = stream.root(0).unwrap();
    let b = root.get("b").unwrap();
    assert_eq!(b.scalar(), Some(("single", ScalarStyle::SingleQuoted)));
    assert_eq!(slice(text, b.span()), "'single'");
    let c = root.get("c").unwrap();
    assert_eq!(c.scalar(), Some(("dou\tble", ScalarStyle::DoubleQuoted)));
    let d = root.get("d").unwrap();
    assert_eq!(d.scalar(), Some(("line1\nline2\n", ScalarStyle::Literal)));
    assert_eq!(slice(text, d.span()), "line1\n  line2");
    let e = root.get("e").unwrap();
    assert_eq!(e.scalar(), Some(("fold ed\n", ScalarStyle::Folded)));
    let a = root.get_entry("a").unwrap();
    assert_eq!(slice(text, a.0.span()), "a");
    assert_eq!(a.1.span(), Span::new(3, 8));
}

#[test]
fn multibyte_characters_before_a_node_give_byte_spans() {
    let text = "name: \"héllo wörld 🚀\"\nimage: app:1\n";
    let stream = parse_ok(text);
    let root = stream.root(0).unwrap();
    let image = root.get_entry("image").unwrap();
    let start = text.find("image").unwrap() as u32;
    assert_eq!(image.0.span(), Span::new(start, start + 5));
    assert_eq!(slice(text, image.1.span()), "app:1");
    assert_eq!(
        slice(text, root.get("name").unwrap().span()),
        "\"héllo wörld 🚀\""
    );
}

#[test]
fn multi_document_stream_with_markers() {
    let text = "a: 1\n---\nb: 2\n...\n---\n# only a comment\n---\nc: 3\n";
    let stream = parse_ok(text);
    assert_eq!(stream.documents.len(), 4);
    assert_eq!(stream.root(0).unwrap().get("a").unwrap().as_i64(), Some(1));
    assert_eq!(stream.root(1).unwrap().get("b").unwrap().as_i64(), Some(2));
    assert!(stream.documents[2].root.is_none() || stream.root(2).unwrap().is_null());
    assert_eq!(stream.root(3).unwrap().get("c").unwrap().as_i64(), Some(3));
    assert!(stream.documents.iter().all(|d| d.complete));
    assert_eq!(slice(text, stream.documents[1].span), "---\nb: 2\n...");
}

#[test]
fn anchors_and_aliases_stay_references() {
    let text = "base: &b\n  x: 1\ncopy: *b\nlist: [&s one, *s]\n";
    let stream = parse_ok(text);
    let root = stream.root(0).unwrap();
    let base = root.get("base").unwrap();
    assert_eq!(base.node().unwrap().anchor.as_deref(), Some("b"));
    let copy = root.get("copy").unwrap();
    assert!(copy.is_alias());
    assert_eq!(slice(text, copy.span()), "*b");
    assert_eq!(copy.resolve().id(), base.id());
    assert_eq!(copy.get("x").unwrap().as_i64(), Some(1));
    let items: Vec<_> = root.get("list").unwrap().items().collect();
    assert_eq!(items[1].as_str(), Some("one"));
    assert_eq!(items[0].node().unwrap().anchor.as_deref(), Some("s"));
}

#[test]
fn merge_keys_single_and_list_explicit_keys_win() {
    let text = "\
a: &a {x: 1, y: 1}
b: &b {y: 2, z: 2}
one:
  <<: *a
  x: 10
many:
  <<: [*a, *b]
  w: 0
";
    let stream = parse_ok(text);
    let root = stream.root(0).unwrap();
    let one = root.get("one").unwrap();
    assert_eq!(one.get("x").unwrap().as_i64(), Some(10));
    assert_eq!(one.get("y").unwrap().as_i64(), Some(1));
    let many = root.get("many").unwrap();
    assert_eq!(
        many.get("y").unwrap().as_i64(),
        Some(1),
        "earlier merge wins"
    );
    assert_eq!(many.get("z").unwrap().as_i64(), Some(2));
    let keys: Vec<_> = many
        .entries()
        .iter()
        .map(|(k, _)| k.as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["w", "x", "y", "z"]);
    assert_eq!(root.get_path(&["many", "z"]).unwrap().as_i64(), Some(2));
}

#[test]
fn duplicate_keys_are_located_errors_and_the_last_wins() {
    let text = "spec:\n  selector: a\n  replicas: 1\n  selector: b\n";
    let parsed = parse(text);
    let errors = &parsed.tree.errors;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind, YamlErrorKind::DuplicateKey);
    assert_eq!(
        errors[0].message,
        "duplicate key `selector` (first defined on line 2); only the last value is used"
    );
    let at = text.rfind("selector").unwrap() as u32;
    assert_eq!(errors[0].span, Span::new(at, at + 8));
    assert_eq!(parsed.errors[0].span, errors[0].span);
    let spec = parsed.tree.root(0).unwrap().get("spec").unwrap();
    assert_eq!(spec.get("selector").unwrap().as_str(), Some("b"));
}

#[test]
fn tab_indentation_is_a_located_syntax_error() {
    let text = "a:\n\tb: 1\n";
    let parsed = parse(text);
    assert_eq!(parsed.tree.errors.len(), 1);
    let error = &parsed.tree.errors[0];
    assert_eq!(error.kind, YamlErrorKind::Syntax);
    assert!(error.message.contains("tabs"), "{}", error.message);
    assert_eq!(error.span.start / 3, 1, "on the tab line: {:?}", error.span);
    assert!(!parsed.tree.documents[0].complete);
}

#[test]
fn unterminated_flow_mapping_is_a_located_syntax_error() {
    let text = "ok: 1\n---\na: {b: 1\nc: 2\n";
    let parsed = parse(text);
    let errors = &parsed.tree.errors;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind, YamlErrorKind::Syntax);
    assert!(errors[0].span.start >= text.find('{').unwrap() as u32);
    // The document before the error is kept and complete.
    assert!(parsed.tree.documents[0].complete);
    assert_eq!(
        parsed.tree.root(0).unwrap().get("ok").unwrap().as_i64(),
        Some(1)
    );
}

#[test]
fn bad_indentation_is_a_located_syntax_error() {
    let text = "a: 1\n b: 2\n";
    let parsed = parse(text);
    assert_eq!(parsed.tree.errors.len(), 1);
    let error = &parsed.tree.errors[0];
    assert_eq!(error.kind, YamlErrorKind::Syntax);
    assert_eq!(
        error.message,
        "mapping values are not allowed in this context"
    );
    assert_eq!(error.span, Span::new(7, 8));
}

#[test]
fn errors_after_multibyte_text_have_byte_spans() {
    let text = "name: \"ünïcødé\"\nbad: [1, 2\n";
    let parsed = parse(text);
    assert_eq!(parsed.errors.len(), 1);
    let span = parsed.errors[0].span;
    assert!(text.is_char_boundary(span.start as usize));
    assert!(span.start as usize > text.find('[').unwrap());
}

#[test]
fn unterminated_quoted_scalar_is_an_error() {
    let parsed = parse("a: \"abc\n");
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(
        parsed.errors[0].message,
        "while scanning a quoted scalar, found unexpected end of stream"
    );
    assert_eq!(parsed.tree.errors[0].kind, YamlErrorKind::Syntax);
}

#[test]
fn billion_laughs_is_reported_and_cheap() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let prev = level - 1;
        let refs = vec![format!("*a{prev}"); 9].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    let started = Instant::now();
    let parsed = parse(&text);
    assert!(started.elapsed() < Duration::from_millis(500));
    let errors = &parsed.tree.errors;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].kind, YamlErrorKind::AliasBomb);
    // The arena holds one node per written node: no expansion happened.
    assert!(parsed.tree.nodes().len() < 200);
    // A walk through every alias stays bounded.
    let root = parsed.tree.documents[0].root.unwrap();
    let mut visited = 0usize;
    let started = Instant::now();
    let truncated = parsed.tree.walk(root, |_, _| {
        visited += 1;
        true
    });
    assert!(truncated);
    assert_eq!(visited, Limits::DEFAULT.max_visits);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn recursive_alias_is_an_error_and_walks_terminate() {
    let text = "a: &x [1, *x]\n";
    let parsed = parse(text);
    assert_eq!(parsed.tree.errors.len(), 1);
    assert_eq!(parsed.tree.errors[0].kind, YamlErrorKind::RecursiveAlias);
    assert_eq!(slice(text, parsed.tree.errors[0].span), "*x");
    let root = parsed.tree.documents[0].root.unwrap();
    assert!(parsed.tree.walk(root, |_, _| true));
}

#[test]
fn merge_key_cycles_terminate() {
    let text = "a: &m\n  k: 1\n  <<: *m\n";
    let parsed = parse(text);
    let a = parsed.tree.root(0).unwrap().get("a").unwrap();
    assert!(a.get("missing").is_none());
    assert_eq!(a.get("k").unwrap().as_i64(), Some(1));
}

#[test]
fn deep_flow_nesting_finishes_fast_with_a_located_error() {
    let text = "[".repeat(100_000);
    let started = Instant::now();
    let parsed = parse(&text);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(parsed.errors.len(), 1);
    assert!(parsed.errors[0].span.start < 300, "{:?}", parsed.errors[0]);
}

#[test]
fn deep_block_nesting_hits_the_depth_limit() {
    let mut text = String::new();
    for depth in 0..300 {
        text.push_str(&"  ".repeat(depth));
        text.push_str("k:\n");
    }
    let parsed = parse(&text);
    assert_eq!(parsed.tree.errors.len(), 1);
    let error = &parsed.tree.errors[0];
    assert_eq!(error.kind, YamlErrorKind::TooDeep);
    assert_eq!(
        error.message,
        "collections nest deeper than the limit of 256 levels"
    );
    // The 257th mapping starts on line 257 (0-based 256).
    let line_257 = LineIndexFor::line_start(&text, 256);
    assert_eq!(error.span.start, line_257 + 2 * 256);
}

struct LineIndexFor;
impl LineIndexFor {
    fn line_start(text: &str, line: usize) -> u32 {
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>() as u32
    }
}

#[test]
fn size_and_node_limits_are_errors() {
    let limits = Limits {
        max_bytes: 10,
        ..Limits::DEFAULT
    };
    let parsed = parse_with_limits("a: 1\nb: 2\nc: 3\n", limits);
    assert_eq!(parsed.tree.errors[0].kind, YamlErrorKind::TooLarge);
    assert_eq!(parsed.tree.errors[0].span, Span::empty(10));
    assert!(parsed.tree.documents.is_empty());

    let limits = Limits {
        max_nodes: 4,
        ..Limits::DEFAULT
    };
    let parsed = parse_with_limits("a: 1\nb: 2\nc: 3\n", limits);
    assert_eq!(parsed.tree.errors[0].kind, YamlErrorKind::TooManyNodes);
    assert_eq!(parsed.tree.errors[0].span, Span::new(8, 9));
}

#[test]
fn comments_are_collected_outside_scalars() {
    let text = "\
# head
a: \"x # not\" # tail
b: |  # header
  # content
c: d#e
l: [1, # flow
  2]
e: !!str &q |
  # content too
";
    let stream = parse_ok(text);
    let texts: Vec<_> = stream.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, [" head", " tail", " header", " flow"]);
    let tail = &stream.comments[1];
    let quoted = stream.root(0).unwrap().get("a").unwrap();
    assert_eq!(slice(text, quoted.span()), "\"x # not\"");
    assert_eq!(slice(text, tail.span), "# tail");
}

#[test]
fn comments_after_an_error_are_whole_line_only() {
    let text = "a: {b\n# kept\nc: \"x #y\"\n";
    let parsed = parse(text);
    assert!(!parsed.errors.is_empty());
    let texts: Vec<_> = parsed
        .tree
        .comments
        .iter()
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(texts, [" kept"]);
}

#[test]
fn typed_accessors_follow_kubernetes() {
    let text = "a: yes\nb: 'yes'\nc: 0x10\nd: \"8\"\ne: ~\nf:\ng: 2.5\nh: !!bool off\n";
    let stream = parse_ok(text);
    let root = stream.root(0).unwrap();
    assert_eq!(root.get("a").unwrap().as_bool_k8s(), Some(true));
    assert_eq!(root.get("b").unwrap().as_bool_k8s(), None);
    assert_eq!(root.get("c").unwrap().as_i64(), Some(16));
    assert_eq!(root.get("d").unwrap().as_i64(), None);
    assert!(root.get("e").unwrap().is_null());
    assert!(root.get("f").unwrap().is_null());
    assert_eq!(
        root.get("f").unwrap().span(),
        Span::empty(text.find("f:").unwrap() as u32 + 2)
    );
    assert_eq!(root.get("g").unwrap().as_f64(), Some(2.5));
    assert_eq!(root.get("h").unwrap().as_bool_k8s(), Some(false));
    assert_eq!(root.get("h").unwrap().tag(), Some("!!bool"));
}

#[test]
fn collection_spans_cover_their_content() {
    let text = "items:\n  - name: a\n    image: x\n  - name: b\nflow: {k: v}\n";
    let stream = parse_ok(text);
    let root = stream.root(0).unwrap();
    let items = root.get("items").unwrap();
    assert_eq!(
        slice(text, items.span()),
        "- name: a\n    image: x\n  - name: b"
    );
    let first = items.items().next().unwrap();
    assert_eq!(slice(text, first.span()), "name: a\n    image: x");
    assert_eq!(slice(text, root.get("flow").unwrap().span()), "{k: v}");
}

#[test]
fn bom_and_crlf_keep_byte_spans() {
    let text = "\u{feff}a: 1\r\nb: é\r\nc: 3\r\n";
    let stream = parse_ok(text);
    let root = stream.root(0).unwrap();
    let c = root.get_entry("c").unwrap();
    assert_eq!(slice(text, c.0.span()), "c");
    assert_eq!(slice(text, root.get("b").unwrap().span()), "é");
}
