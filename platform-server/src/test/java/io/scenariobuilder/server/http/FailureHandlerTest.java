package io.scenariobuilder.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * What a client gets when a route fails in a way no route planned for, over real HTTP on 127.0.0.1: the API's error
 * shape, no stack trace and no secret, and for a bug an id that the server's log repeats with the whole failure.
 */
@ExtendWith(VertxExtension.class)
class FailureHandlerTest {

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(FailureHandler.class);
    private final Http http = new Http(64, 1 << 20);
    private HttpServer server;
    private HttpClient client;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        logged.start();
        log.addAppender(logged);
        log.setAdditive(false); // the bugs this test makes on purpose are asserted here, not printed to the build's output
        Router router = Router.router(vertx);
        router.get("/bug").handler(ctx -> {
            throw new NullPointerException("Cannot invoke \"String.length()\" because \"token\" is null");
        });
        router.get("/closing").handler(ctx -> {
            throw new IllegalStateException("the engine is shut down");
        });
        router.get("/secret").handler(ctx -> {
            throw new ApiException(400, "bad_request", "cannot reach https://bob:hunter2@example.com/x with Authorization: Bearer sb_abc");
        });
        router.get("/teapot").handler(ctx -> ctx.fail(418));
        router.get("/bare-500").handler(ctx -> ctx.fail(500));
        router.get("/half-sent").handler(ctx -> {
            ctx.response().setChunked(true).write("{\"items\": [");
            ctx.fail(new IllegalArgumentException("failed while writing"));
        });
        router.get("/unwritable").handler(ctx -> Http.json(ctx, 200, new Unwritable()));
        router.get("/checked").handler(ctx -> http.blocking(vertx, () -> {
            throw new java.io.IOException("the disk is gone");
        }).onSuccess(ignored -> ctx.end()).onFailure(ctx::fail));
        router.route().failureHandler(new FailureHandler());
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        client = vertx.createHttpClient();
    }

    @AfterEach
    void stop() throws Exception {
        log.detachAppender(logged);
        log.setAdditive(true);
        client.close().await(10, TimeUnit.SECONDS);
        server.close().await(10, TimeUnit.SECONDS);
        http.close();
    }

    /** A value Jackson cannot write: its one property throws. */
    public static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("no value");
        }
    }

    private io.vertx.core.Future<Answer> get(String path) {
        return client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", path)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> new Answer(response, body.toString())));
    }

    private record Answer(HttpClientResponse response, String body) {
        JsonObject error() {
            return new JsonObject(body).getJsonObject("error");
        }
    }

    @Test
    void aBugAnswers500WithAnIdTheLogRepeatsWithTheWholeFailureAndNoStackTrace(VertxTestContext test) {
        get("/bug").onComplete(test.succeeding(answer -> test.verify(() -> {
            assertThat(answer.response().statusCode()).isEqualTo(500);
            assertThat(answer.response().getHeader("Content-Type")).startsWith("application/json");
            JsonObject error = answer.error();
            assertThat(error.getString("code")).isEqualTo("internal");
            Matcher id = Pattern.compile("internal error \\(logged as ([0-9a-f]{8})\\)").matcher(error.getString("message"));
            assertThat(id.matches()).as(error.getString("message")).isTrue();
            assertThat(answer.body()).doesNotContain("NullPointerException", "token", "at io.");
            assertThat(logged.list).anySatisfy(line -> {
                assertThat(line.getFormattedMessage()).isEqualTo("internal error " + id.group(1) + " on GET /bug");
                assertThat(line.getThrowableProxy().getClassName()).isEqualTo(NullPointerException.class.getName());
            });
            test.completeNow();
        })));
    }

    @Test
    void aRequestRacingTheShutdownIsTold503NotAnInternalError(VertxTestContext test) {
        get("/closing").onComplete(test.succeeding(answer -> test.verify(() -> {
            assertThat(answer.response().statusCode()).isEqualTo(503);
            assertThat(answer.error().getString("message")).isEqualTo("the server is shutting down");
            assertThat(logged.list).as("not logged as a bug").isEmpty();
            test.completeNow();
        })));
    }

    @Test
    void secretsInAnErrorMessageAreMaskedOnTheWayOut(VertxTestContext test) {
        get("/secret").onComplete(test.succeeding(answer -> test.verify(() -> {
            assertThat(answer.response().statusCode()).isEqualTo(400);
            assertThat(answer.error().getString("message")).isEqualTo(
                    "cannot reach https://****@example.com/x with Authorization: Bearer ****");
            assertThat(answer.body()).doesNotContain("hunter2", "sb_abc");
            test.completeNow();
        })));
    }

    @Test
    void aBareClientErrorStatusKeepsItsStatusInTheApiShapeAndABareServerErrorIsLoggedAsABug(VertxTestContext test) {
        var checkpoint = test.checkpoint(2);
        get("/teapot").onComplete(test.succeeding(answer -> test.verify(() -> {
            assertThat(answer.response().statusCode()).isEqualTo(418);
            assertThat(answer.error().getString("code")).isEqualTo("bad_request");
            checkpoint.flag();
        })));
        get("/bare-500").onComplete(test.succeeding(answer -> test.verify(() -> {
            assertThat(answer.response().statusCode()).isEqualTo(500);
            assertThat(answer.error().getString("message")).startsWith("internal error (logged as ");
            checkpoint.flag();
        })));
    }

    @Test
    void aFailureAfterTheAnswerBeganCutsTheConnectionRatherThanSendAnErrorInsideTheBody(VertxTestContext test) {
        client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/half-sent")
                .compose(request -> request.send())
                .compose(response -> {
                    test.verify(() -> assertThat(response.statusCode()).isEqualTo(200));
                    return response.body();
                })
                .onComplete(test.failing(cut -> test.verify(() -> {
                    // The client cannot take the half-written list for a whole one: its read fails.
                    assertThat(cut).isNotNull();
                    test.completeNow();
                })));
    }

    @Test
    void anAnswerThatCannotBeWrittenAsJsonOrACheckedFailureOfBlockingWorkIsA500LoggedWithItsCause(VertxTestContext test) {
        var checkpoint = test.checkpoint(2);
        get("/unwritable").onComplete(test.succeeding(answer -> test.verify(() -> {
            assertThat(answer.response().statusCode()).isEqualTo(500);
            assertThat(answer.error().getString("code")).isEqualTo("internal");
            assertThat(logged.list).anySatisfy(line -> assertThat(line.getThrowableProxy().getMessage()).contains("no value"));
            checkpoint.flag();
        })));
        get("/checked").onComplete(test.succeeding(answer -> test.verify(() -> {
            assertThat(answer.response().statusCode()).isEqualTo(500);
            assertThat(answer.body()).doesNotContain("disk");
            assertThat(logged.list).anySatisfy(line -> {
                assertThat(line.getFormattedMessage()).startsWith("internal error ").endsWith(" on GET /checked");
                assertThat(line.getThrowableProxy().getClassName()).as("the failure itself, not a wrapper")
                        .isEqualTo(java.io.IOException.class.getName());
            });
            checkpoint.flag();
        })));
    }
}
