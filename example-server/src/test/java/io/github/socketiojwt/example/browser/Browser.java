package io.github.socketiojwt.example.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Function;

/**
 * One real headless Chromium (Debian's {@code chromium}, driven by its {@code chromedriver}; never a downloaded
 * browser), with its own profile, so that two instances are two independent users.
 */
final class Browser implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final WebDriver driver;
    private final Path profile;

    Browser() {
        try {
            profile = Files.createTempDirectory("chromium-profile");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("CHROME_BIN", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1200,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(executable("CHROMEDRIVER", "/usr/bin/chromedriver")))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    /** The path of a browser executable; fails (never skips) when it is missing: CI installs it. */
    private static String executable(String env, String fallback) {
        String path = System.getenv(env) != null ? System.getenv(env) : fallback;
        if (!new File(path).canExecute()) {
            throw new IllegalStateException(path + " not found: install Debian's chromium and chromium-driver"
                    + " (apt-get install -y chromium chromium-driver), or set " + env);
        }
        return path;
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    String text(String css) {
        return find(css).getText().trim();
    }

    boolean visible(String css) {
        return find(css).isDisplayed();
    }

    void type(String css, String value) {
        WebElement input = find(css);
        input.clear();
        input.sendKeys(value);
    }

    void click(String css) {
        find(css).click();
    }

    /** Waits until a condition holds; fails with the page's state when it does not within 10 s. */
    <T> T await(String what, Function<Browser, T> condition) {
        return await(what, WAIT, condition);
    }

    <T> T await(String what, Duration timeout, Function<Browser, T> condition) {
        try {
            return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).until(d -> {
                T value = condition.apply(this);
                return value instanceof Boolean && !((Boolean) value) ? null : value;
            });
        } catch (RuntimeException e) {
            throw new AssertionError("waited " + timeout + " for " + what + "; page state: " + state(), e);
        }
    }

    Object script(String javascript) {
        return ((JavascriptExecutor) driver).executeScript(javascript);
    }

    String state() {
        try {
            return String.valueOf(script("return ['connection-state','user','token-remaining','renewal-state',"
                    + "'token-renews-in','token-renewals','renewal-error','login-error','last-error','session-expired',"
                    + "'rooms','room-status']"
                    + ".map(id => { const e = document.getElementById(id);"
                    + " return id + '=' + (e ? (e.hidden ? '(hidden) ' : '') + e.textContent.trim() : '(missing)'); })"
                    + ".join(', ')"));
        } catch (RuntimeException e) {
            return "(unavailable: " + e.getClass().getSimpleName() + ")";
        }
    }

    Path screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            return Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary profile; the OS cleans it eventually
        }
    }
}
