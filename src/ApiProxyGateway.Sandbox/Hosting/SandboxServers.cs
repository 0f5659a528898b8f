namespace ApiProxyGateway.Sandbox.Hosting;

/// <summary>
/// The one way the sandbox's servers (API server, kubelets, workloads, konnectivity-server) and the tests' own
/// servers build their ASP.NET Core host: slim, and without watching configuration files. A watched appsettings.json
/// costs an inotify instance per server, and a sandbox with a dozen of them, beside others in parallel tests, runs
/// into the per-user limit (128 by default); nothing here reloads its settings anyway.
/// </summary>
public static class SandboxServers
{
    public static WebApplicationBuilder CreateBuilder() =>
        WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
}
