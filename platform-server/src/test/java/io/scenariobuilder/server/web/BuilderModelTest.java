package io.scenariobuilder.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The builder's model ({@code /assets/js/builder/model.js}), as the browser loads it from the server: the edits a user makes while
 * drawing a scenario, and the ones refused (a cycle, named as its path; a duplicate connection; a self-loop), undo and
 * redo, the names an expression may use, and where the server's validation problems are shown.
 */
class BuilderModelTest extends BrowserTestBase {

    @BeforeEach
    void openThePage() {
        browser.get(base() + "/");
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    /** Runs {@code body} with the module imported as {@code m}; answers what it returns (JSON-like values). */
    private Object run(String body) {
        return ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/assets/js/builder/model.js').then((m) => {
                  try { done((() => { %s })()); } catch (e) { done({ thrown: e.constructor.name, message: e.message }); }
                }, (e) => done({ importFailed: String(e) }));""".formatted(body));
    }

    @Test
    void drawingAScenarioKeepsItWellFormedAndRefusesCyclesByName() {
        @SuppressWarnings("unchecked")
        Map<String, Object> built = (Map<String, Object>) run("""
                let s = m.emptyScenario('orders', 'Orders');
                s = m.addNode(s, { integrationId: 'catalog', actionId: 'pick-item' }).scenario;
                s = m.addNode(s, { integrationId: 'core', actionId: 'set' }).scenario;
                s = m.addNode(s, { integrationId: 'core', actionId: 'set' }).scenario;
                s = m.connect(s, 'pick-item', 'set');
                s = m.connect(s, 'set', 'set-2', { on: 'error' });
                return s;""");
        assertThat(built).containsEntry("id", "orders").containsEntry("trigger", Map.of("type", "manual"));
        assertThat(((List<?>) built.get("nodes")).stream().map(n -> ((Map<?, ?>) n).get("id")).toList())
                .isEqualTo(List.of("pick-item", "set", "set-2"));
        assertThat(built.get("connections")).isEqualTo(List.of(Map.of("fromNodeId", "pick-item", "toNodeId", "set"),
                Map.of("fromNodeId", "set", "toNodeId", "set-2", "on", "error")));

        String chain = """
                let s = m.emptyScenario('x');
                for (const a of ['a', 'b', 'c']) { s = m.addNode(s, { integrationId: 'core', actionId: a }).scenario; }
                s = m.connect(s, 'a', 'b'); s = m.connect(s, 'b', 'c');
                """;
        assertThat(run(chain + "return m.connect(s, 'c', 'a');"))
                .isEqualTo(Map.of("thrown", "EditError", "message", "this connection would make a cycle: c -> a -> b -> c"));
        assertThat(run(chain + "return m.connect(s, 'a', 'a');")).isEqualTo(Map.of("thrown", "EditError",
                "message", "a node cannot connect to itself ('a')"));
        assertThat(run(chain + "return m.connect(s, 'a', 'b');")).isEqualTo(Map.of("thrown", "EditError", "message", "a -> b is connected already"));
        assertThat(run(chain + "return m.connect(s, 'a', 'nope');")).isEqualTo(Map.of("thrown", "EditError", "message", "no node 'nope'"));
        assertThat(run(chain + "return m.namesInScope(s, 'c');")).isEqualTo(List.of("b", "a", "trigger"));
        assertThat(run(chain + "return m.removeNode(s, 'b').connections;")).isEqualTo(List.of());
        assertThat(run(chain + "return m.updateNode(s, 'b', { id: 'renamed' });")).isEqualTo(Map.of("thrown", "EditError",
                "message", "a node keeps its id: expressions and connections name it"));
    }

    @Test
    void undoAndRedoWalkWholeDocumentsAndANewEditDropsTheRedo() {
        assertThat(run("""
                let s = m.emptyScenario('x');
                const h = new m.History(s);
                s = h.push(m.addNode(s, { integrationId: 'core', actionId: 'a' }).scenario);
                s = h.push(m.addNode(s, { integrationId: 'core', actionId: 'b' }).scenario);
                const seen = [h.present.nodes.length];
                h.undo(); seen.push(h.present.nodes.length);
                h.undo(); seen.push(h.present.nodes.length, h.canUndo);
                h.redo(); seen.push(h.present.nodes.length, h.canRedo);
                h.push(m.addNode(h.present, { integrationId: 'core', actionId: 'c' }).scenario);
                seen.push(h.canRedo, h.present.nodes.map((n) => n.id).join());
                return seen;""")).isEqualTo(List.of(2L, 1L, 0L, false, 1L, true, false, "a,c"));
    }

    @Test
    void theServersProblemsArePlacedOnTheNodeFieldOrConnectionTheyName() {
        assertThat(run("""
                let s = m.emptyScenario('x');
                for (const a of ['a', 'b']) { s = m.addNode(s, { integrationId: 'core', actionId: a }).scenario; }
                s = m.connect(s, 'a', 'b');
                return m.placeProblems(s, [
                  { path: '$.nodes[1].configuration.product', message: 'required' },
                  { path: '$.nodes[0].connectionId', message: 'no connection' },
                  { path: '$.connections[0]', message: 'bad condition' },
                  { path: '$.trigger.cron', message: 'invalid cron' }]);""")).isEqualTo(Map.of(
                "scenario", List.of("invalid cron"),
                "nodes", Map.of("b", List.of(Map.of("field", "product", "message", "required")),
                        "a", List.of(Map.of("field", "connectionId", "message", "no connection"))),
                "connections", Map.of("0", List.of("bad condition"))));
        assertThat(consoleErrors(message -> false)).as("browser console errors").isEmpty();
    }

    @Test
    void nodesKeepWhereTheUserPutThemAndATidyUpLaysThemOutInLayers() {
        String three = """
                let s = m.emptyScenario('x');
                for (const a of ['a', 'b', 'c']) { s = m.addNode(s, { integrationId: 'core', actionId: a }).scenario; }
                s = m.connect(s, 'a', 'b'); s = m.connect(s, 'b', 'c');
                """;
        // Not placed yet: in layers, left to right. Moved: where the user dropped it, in whole numbers.
        assertThat(run(three + "const p = m.positionsOf(s).positions; return [p.get('a').x < p.get('b').x, p.get('b').x < p.get('c').x];"))
                .isEqualTo(List.of(true, true));
        assertThat(run(three + "s = m.moveNode(s, 'c', { x: 12.6, y: 300.2 }); return m.positionsOf(s).positions.get('c');"))
                .isEqualTo(Map.of("x", 13L, "y", 300L));
        assertThat(run(three + "s = m.moveNode(s, 'c', { x: 5, y: 300 }); return m.nodeAt(s, m.positionsOf(s).positions, { x: 20, y: 320 });"))
                .isEqualTo("c");
        assertThat(run(three + "s = m.moveNode(s, 'c', { x: 5, y: 300 }); return m.nodeAt(s, m.positionsOf(s).positions, { x: 2000, y: 2000 });"))
                .isNull();
        // A cycle (the server refuses it, but a file can hold one) is still drawn at numbers, not NaN.
        assertThat(run("""
                const s = { nodes: [{ id: 'a' }, { id: 'b' }], connections: [{ fromNodeId: 'a', toNodeId: 'b' }, { fromNodeId: 'b', toNodeId: 'a' }] };
                return [...m.positionsOf(s).positions.values()].every((p) => Number.isFinite(p.x) && Number.isFinite(p.y));""")).isEqualTo(true);
        // A tidy-up gives every node the layered position.
        assertThat(run(three + """
                const before = m.layout(s).positions;
                s = m.autoLayout(m.moveNode(s, 'a', { x: 900, y: 900 }));
                return s.nodes.every((n) => n.position.x === before.get(n.id).x && n.position.y === before.get(n.id).y);""")).isEqualTo(true);
    }

    @Test
    void anImportedFileIsCheckedAndAnExportLeavesTheServersBookkeepingOut() {
        assertThat(run("return m.importScenario('{\"id\": \"x\", \"nodes\": [{\"id\": \"a\"}], \"version\": 7}');"))
                .isEqualTo(Map.of("id", "x", "nodes", List.of(Map.of("id", "a")), "connections", List.of(), "trigger", Map.of("type", "manual")));
        assertThat(run("return m.importScenario('{nodes: []}');")).asString().contains("EditError", "the file is not JSON");
        assertThat(run("return m.importScenario('[1, 2]');")).asString().contains("a scenario is a JSON object");
        assertThat(run("return m.importScenario('{\"nodes\": {}}');")).asString().contains("'nodes' must be a list");
        assertThat(run("return m.importScenario('{\"nodes\": [{\"integrationId\": \"core\"}]}');")).asString().contains("node 0 has no id");
        assertThat(run("return m.exportScenario({ id: 'x', name: 'X', version: 3, createdAt: 'now', trigger: { type: 'manual' }, nodes: [], connections: [] });"))
                .isEqualTo("{\n  \"id\": \"x\",\n  \"name\": \"X\",\n  \"trigger\": {\n    \"type\": \"manual\"\n  },\n  \"nodes\": [],\n  \"connections\": []\n}\n");
    }

    @Test
    void aMaskedWebhookSecretIsNotExported() {
        assertThat(run("""
                return JSON.parse(m.exportScenario({ id: 'x', trigger: { type: 'webhook', path: 'in', secret: '********' }, nodes: [], connections: [] }));"""))
                .isEqualTo(Map.of("id", "x", "trigger", Map.of("type", "webhook", "path", "in"), "nodes", List.of(), "connections", List.of()));
        assertThat(run("""
                return JSON.parse(m.exportScenario({ id: 'x', trigger: { type: 'webhook', path: 'in', secret: 'typed' }, nodes: [], connections: [] }))
                  .trigger.secret;""")).as("a secret typed in this page is the user's own").isEqualTo("typed");
    }

    @Test
    void anExpressionIsOneTemplateAndItsCompletionsAreTheNodesBeforeItThenTheTrigger() {
        assertThat(run("return [m.isExpression('{{ a.b }}'), m.isExpression('x {{ a }}'), m.isExpression('{{ a }} and {{ b }}'), m.isExpression(3)];"))
                .isEqualTo(List.of(true, false, false, false));
        assertThat(run("return [m.expressionOf('{{  trigger.body.n }}'), m.asExpression(' input ')];"))
                .isEqualTo(List.of("trigger.body.n", "{{ input }}"));
        String chain = """
                let s = m.emptyScenario('x');
                s = m.addNode(s, { integrationId: 'catalog', actionId: 'pick-item' }).scenario;
                s = m.addNode(s, { integrationId: 'core', actionId: 'set' }).scenario;
                s = m.addNode(s, { integrationId: 'core', actionId: 'transform' }).scenario;
                s = m.connect(s, 'pick-item', 'set'); s = m.connect(s, 'set', 'transform');
                """;
        // Names with a hyphen are quoted as JSONata needs; the nearest node comes first.
        assertThat(run(chain + "return m.completions(s, 'transform', '$sum(no');"))
                .isEqualTo(Map.of("replace", 2L, "items", List.of("nodes.set.output", "nodes.`pick-item`.output")));
        assertThat(run(chain + "return m.completions(s, 'transform', 'tri');"))
                .isEqualTo(Map.of("replace", 3L, "items", List.of("trigger", "trigger.body", "trigger.query", "trigger.headers")));
        // A node never sees itself or what comes after it.
        assertThat(run(chain + "return m.completions(s, 'pick-item', 'nodes').items;")).isEqualTo(List.of());
        assertThat(consoleErrors(message -> false)).as("browser console errors").isEmpty();
    }
}
