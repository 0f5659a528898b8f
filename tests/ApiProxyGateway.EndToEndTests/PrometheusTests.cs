using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests;

/// <summary>
/// The gateway's metrics with the real Prometheus (Debian's <c>prometheus</c> package): the exposition passes
/// <c>promtool check metrics</c>, and a Prometheus server on loopback scrapes the gateway's operations listener and
/// has the gateway's series after real kubectl traffic.
/// </summary>
public sealed class PrometheusTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Exposition_AfterTraffic_PassesPromtoolAndIsScrapedByPrometheus()
    {
        var promtool = Tool("promtool");
        var prometheus = Tool("prometheus");
        var exec = await fixture.KubectlAsync("--context", "developer", "exec", "-n", "demo", "shell", "--", "echo", "metrics");
        Assert.True(exec.Succeeded, exec.ToString());
        var target = $"{fixture.Host.AddressPlan.GatewayAddress}:{AddressPlan.GatewayOperationsPort}";
        using var http = new HttpClient();
        var exposition = await http.GetStringAsync($"http://{target}/metrics", TestContext.Current.CancellationToken);

        var (lintExit, lintOutput) = await RunAsync(promtool, ["check", "metrics"], exposition, TimeSpan.FromSeconds(30));
        Assert.True(lintExit == 0, $"promtool check metrics failed ({lintExit}):\n{lintOutput}");

        var directory = Directory.CreateTempSubdirectory("apg-prometheus-").FullName;
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
            scrape_configs:
            - job_name: apiproxygateway
              static_configs:
              - targets: ["{target}"]
            """, TestContext.Current.CancellationToken);
        using var server = Process.Start(new ProcessStartInfo(prometheus)
        {
            ArgumentList = { $"--config.file={Path.Combine(directory, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var serverLog = server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            var exec2 = await fixture.KubectlAsync("--context", "developer", "logs", "-n", "demo", "logger", "--tail=1");
            Assert.True(exec2.Succeeded, exec2.ToString());

            var requests = await QueryUntilFoundAsync(http, port, "apiproxygateway_requests_total{route=\"exec\",job=\"apiproxygateway\"}");
            var expiry = await QueryUntilFoundAsync(http, port, "apiproxygateway_certificate_expiry_seconds{plane=\"kubelet-client\"}");
            var up = await QueryUntilFoundAsync(http, port, "up{job=\"apiproxygateway\"}");

            Assert.NotEmpty(requests);
            Assert.True(double.Parse((string)expiry[0]!["value"]![1]!, System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.Equal("1", (string?)up[0]!["value"]![1]);
        }
        catch (TimeoutException e)
        {
            server.Kill(entireProcessTree: true);
            throw new TimeoutException($"{e.Message}\nprometheus said:\n{await serverLog}", e);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync(CancellationToken.None);
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<JsonArray> QueryUntilFoundAsync(HttpClient http, int port, string query)
    {
        JsonArray found = [];
        await TestWait.UntilAsync(async token =>
        {
            try
            {
                var answer = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/api/v1/query?query={Uri.EscapeDataString(query)}", token))!; // Prometheus answers JSON
                if (answer["data"]?["result"] is JsonArray { Count: > 0 } result)
                {
                    found = result;
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Prometheus is still starting.
            }

            return false;
        }, $"Prometheus has a series for {query}", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        return found;
    }

    private static string Tool(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} was not found: this test needs Debian's prometheus package (apt-get install prometheus; .ci/run installs it).");

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string stdin, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout, TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
