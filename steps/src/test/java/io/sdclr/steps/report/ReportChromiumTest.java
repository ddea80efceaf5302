package io.sdclr.steps.report;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a rendered {@code report.html} (curves, PIE chart, image grid) in headless Chromium, as a reader would, and
 * checks that the browser draws the charts and decodes every embedded image. A probe script, added to the page here
 * and not part of the report, counts them on load into attributes of {@code <body>} that {@code --dump-dom} shows;
 * a screenshot must be a non-blank image of the window's size with the methods' colours in it.
 *
 * <p>Needs Debian's {@code chromium} (or {@code chromium-browser}, {@code google-chrome}) on the PATH; without one the
 * test fails and says how to install it.
 */
class ReportChromiumTest {

    private static final long TIMEOUT_SECONDS = 120;
    private static final int WIDTH = 1200;
    private static final int HEIGHT = 4000;

    /** Counts what the browser made of the page; runs after every image has loaded (or failed to). */
    private static final String PROBE = """
            <script>
            window.addEventListener('load', function () {
              var svgs = document.querySelectorAll('svg');
              var drawn = 0;
              var labels = [];
              svgs.forEach(function (s) {
                var box = s.getBoundingClientRect();
                if (box.width > 0 && box.height > 0 && s.querySelector('polyline, rect, circle')) { drawn++; }
                labels.push(s.getAttribute('aria-label'));
              });
              var decoded = 0;
              var widths = [];
              Array.prototype.forEach.call(document.images, function (i) {
                if (i.complete && i.naturalWidth > 0) { decoded++; }
                widths.push(i.naturalWidth + 'x' + i.naturalHeight + '@' + i.width + 'x' + i.height);
              });
              var b = document.body;
              b.setAttribute('data-svg-charts', svgs.length);
              b.setAttribute('data-svg-drawn', drawn);
              b.setAttribute('data-svg-labels', labels.join('|'));
              b.setAttribute('data-images', document.images.length);
              b.setAttribute('data-images-decoded', decoded);
              b.setAttribute('data-image-sizes', Array.from(new Set(widths)).join(' '));
            });
            </script>
            """;

    @TempDir Path tmp;

    @Test
    void chromiumDrawsTheChartsAndDecodesTheImageGrid() throws IOException, InterruptedException {
        Path chromium = chromium();
        String html = new String(ReportRenderer.render(EvidenceFixture.tenClass("fashion-mnist", 1))
                .get(ReportRenderer.REPORT_HTML), StandardCharsets.UTF_8);
        int svgInHtml = html.split("<svg ", -1).length - 1;
        int imgInHtml = html.split("<img ", -1).length - 1;
        assertThat(html).contains("</body>");
        Path page = tmp.resolve("report.html");
        Files.writeString(page, html.replace("</body>", PROBE + "</body>"), StandardCharsets.UTF_8);

        String dom = run(chromium, "dump-dom", "--dump-dom", "--virtual-time-budget=10000", page.toUri().toString());
        Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
        assertWithMessage("no <body> in Chromium's DOM:\n%s", dom).that(body.find()).isTrue();
        String attrs = body.group(1);
        // Linear and few-shot (2 charts each), 3 curve charts, PIE rate by class size.
        assertThat(svgInHtml).isEqualTo(8);
        assertThat(attribute(attrs, "data-svg-charts")).isEqualTo(Integer.toString(svgInHtml));
        assertThat(attribute(attrs, "data-svg-drawn")).isEqualTo(Integer.toString(svgInHtml));
        assertThat(attribute(attrs, "data-svg-labels").split("\\|")).asList().containsAtLeast(
                "Pretraining loss per epoch", "SDCLR pruning mask: conv weights kept per epoch",
                "SDCLR pruning mask: magnitude threshold per epoch", "PIE rate by class size");
        // The grids of both methods: 10 classes x (a PIE + a non-PIE).
        assertThat(imgInHtml).isEqualTo(40);
        assertThat(attribute(attrs, "data-images")).isEqualTo("40");
        assertThat(attribute(attrs, "data-images-decoded")).isEqualTo("40");
        // 28 x 28 pixels, shown at 56 x 56.
        assertThat(attribute(attrs, "data-image-sizes")).isEqualTo("28x28@56x56");

        Path png = tmp.resolve("report.png");
        run(chromium, "screenshot", "--screenshot=" + png, "--window-size=" + WIDTH + "," + HEIGHT,
                "--hide-scrollbars", "--force-device-scale-factor=1", page.toUri().toString());
        BufferedImage shot = ImageIO.read(png.toFile());
        assertWithMessage("screenshot %s is not a readable PNG", png).that(shot).isNotNull();
        assertThat(shot.getWidth()).isEqualTo(WIDTH);
        assertThat(shot.getHeight()).isEqualTo(HEIGHT);
        Set<Integer> colours = new HashSet<>();
        int nonWhite = 0;
        int simclrBlue = 0;
        int sdclrRed = 0;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int rgb = shot.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                nonWhite += rgb == 0xffffff ? 0 : 1;
                simclrBlue += rgb == 0x4e79a7 ? 1 : 0;
                sdclrRed += rgb == 0xe15759 ? 1 : 0;
            }
        }
        assertWithMessage("distinct colours in the screenshot").that(colours.size()).isAtLeast(50);
        assertWithMessage("non-white pixels in the screenshot").that(nonWhite).isAtLeast(WIDTH * HEIGHT / 50);
        // The accuracy bars of SimCLR and SDCLR, in their palette colours.
        assertWithMessage("pixels in SimCLR's colour").that(simclrBlue).isAtLeast(500);
        assertWithMessage("pixels in SDCLR's colour").that(sdclrRed).isAtLeast(500);
    }

    /** The value of {@code name="..."} in a tag's attributes. */
    private static String attribute(String attrs, String name) {
        Matcher m = Pattern.compile(" " + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(attrs);
        assertWithMessage("attribute %s missing on <body%s>: the probe script did not run", name, attrs)
                .that(m.find()).isTrue();
        return m.group(1);
    }

    /** Runs headless Chromium with its own profile; its stdout, or a failure with the tail of its stderr. */
    private String run(Path chromium, String what, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
                "--user-data-dir=" + tmp.resolve("profile-" + what)));
        command.addAll(List.of(args));
        Path out = tmp.resolve(what + ".out");
        Path err = tmp.resolve(what + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("Chromium (" + what + ") did not finish within " + TIMEOUT_SECONDS + " s: " + String.join(" ",
                    command) + "\n" + tail(err));
        }
        if (p.exitValue() != 0) {
            fail("Chromium (" + what + ") exited with " + p.exitValue() + ": " + String.join(" ", command) + "\n"
                    + tail(err));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String tail(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }

    /** Debian's {@code chromium}, else {@code chromium-browser} or {@code google-chrome}, from the PATH. */
    static Path chromium() {
        List<String> names = List.of("chromium", "chromium-browser", "google-chrome");
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : names) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fail("no headless browser to check report.html: none of " + names + " is on the PATH (" + path
                + "). Install Chromium with `apt-get install chromium` (CI's .ci/run installs it).");
    }
}
