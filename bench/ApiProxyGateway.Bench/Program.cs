using ApiProxyGateway.Bench;
using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Hosting;
using ApiProxyGateway.Bench.Pods;

// One binary, several roles: the driver (bench/run), the sandbox it starts as a pinned child process, and the small
// programs the benchmark's pods run, and the aspnetcore arm's bare forwarder (a TCP byte source for port-forward, a byte emitter for exec, a log writer).
return args switch
{
    ["sandbox", .. var rest] => await SandboxChild.RunAsync(rest),
    ["source", .. var rest] => await SourceServer.RunAsync(rest),
    ["emit", .. var rest] => await EmitProgram.RunAsync(rest),
    ["logsource", .. var rest] => await LogSource.RunAsync(rest),
    ["forwarder", .. var rest] => await BareForwarder.RunAsync(rest),
    _ => await Driver.RunAsync(args),
};
