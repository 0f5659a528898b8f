using ApiProxyGateway.Sandbox.Runtime;

namespace ApiProxyGateway.Sandbox.Workloads;

/// <summary>
/// <c>workload KIND [flags]</c>: the small programs the sandbox's containers run, so a scenario needs nothing but .NET.
/// Each exits when the process that started it (the sandbox's runtime) goes away.
/// </summary>
internal static class WorkloadProgram
{
    public const string Usage = """
        usage: workload KIND [flags]
          web     HTTP and HTTPS echo server  --https-port=8443 --http-port=8080 (0 = off) --certificate=valid|wrong-name|expired|unknown-ca
                  paths: / (echo as JSON), /echo (POST body back, as it arrives), /sha256 (POST: hash of the body), /uploads/ID (POST: counts the body as it arrives, at any pace; GET: the count so far), /bytes?n=N (random, X-Content-SHA256), /redirect, /redirect-absolute, /page (HTML with links), /ws (WebSocket echo), /healthz
          hostile a web workload that misbehaves toward its proxy: the web flags and --raw-port=9443 (0 = off)
                  records every request head it receives: /requests lists them (method, target, headers) as JSON
                  raw HTTPS port: /connection-headers (200 naming X-Secret and Keep-Alive in Connection),
                  /upgrade-refused (400 with Upgrade and Connection: Upgrade), /redirect-elsewhere (302 to 169.254.169.254); anything else 404
          logger  one line a second        --interval=1s --count=N (then exit) --exit-code=0 --stderr-every=N --message=TEXT
          idle    does nothing; echoes stdin back when it has one
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help")
        {
            await Console.Error.WriteLineAsync(Usage);
            return args.Count == 0 ? 2 : 0;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        _ = WatchParentAsync(stop);
        try
        {
            var flags = new WorkloadArguments(args.Skip(1).ToList());
            return args[0] switch
            {
                "web" => await WebWorkload.RunAsync(flags, stop.Token),
                "hostile" => await HostileWorkload.RunAsync(flags, stop.Token),
                "logger" => await LoggerWorkload.RunAsync(flags, stop.Token),
                "idle" => await IdleWorkload.RunAsync(flags, stop.Token),
                _ => throw new FormatException($"unknown workload \"{args[0]}\""),
            };
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync($"workload: {e.Message}{Environment.NewLine}{Usage}");
            return 2;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
    }

    /// <summary>When the sandbox dies without cleaning up, we are re-parented: that is our signal to go too.</summary>
    private static async Task WatchParentAsync(CancellationTokenSource stop)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var parent = Native.ParentProcessId();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync())
        {
            if (Native.ParentProcessId() != parent)
            {
                await stop.CancelAsync();
                Environment.Exit(0);
            }
        }
    }
}
