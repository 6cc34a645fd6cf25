package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {

    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpEndpoints endpoints;

    @BeforeEach
    void start() throws IOException {
        endpoints = HttpEndpoints.start("127.0.0.1", 0, new HttpEndpoints.Health(
                () -> Optional.ofNullable(failure.get()), ready::get), () -> "sluice_up 1\n");
    }

    @AfterEach
    void stop() {
        endpoints.close();
    }

    @Test
    void shouldAnswerHealthzWithOkWhileRunning() throws Exception {
        HttpResponse<String> response = get("/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
    }

    @Test
    void shouldAnswerReadyzWith503UntilReadyThen200() throws Exception {
        assertThat(get("/readyz").statusCode()).isEqualTo(503);

        ready.set(true);
        assertThat(get("/readyz").statusCode()).isEqualTo(200);

        ready.set(false);
        assertThat(get("/readyz").statusCode()).isEqualTo(503);
    }

    @Test
    void shouldFailBothProbesWithTheReasonOnceTheProcessFailedForGood() throws Exception {
        ready.set(true);
        failure.set("writing to the commit log failed: No space left on device");

        HttpResponse<String> health = get("/healthz");
        HttpResponse<String> readiness = get("/readyz");

        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).isEqualTo("failed: writing to the commit log failed: No space left on device");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).startsWith("failed: ");
    }

    @Test
    void shouldNotAnswerPathsItDoesNotServe() throws Exception {
        assertThat(get("/healthzz").statusCode()).isEqualTo(404);
        assertThat(get("/metricsfoo").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldServeMetricsInPrometheusTextFormat() throws Exception {
        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(response.body()).isEqualTo("sluice_up 1\n");
    }

    @Test
    void shouldRefuseMethodsOtherThanGetAndHead() throws Exception {
        HttpResponse<String> post = client.send(request("/healthz").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> head = client.send(request("/healthz").method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(head.statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port() + path))
                .timeout(Duration.ofSeconds(5));
    }
}
