using ApiProxyGateway.Sandbox.Hosting;

namespace ApiProxyGateway.UnitTests.Sandbox;

/// <summary>The sandbox's state lands where the README's commands look for it, whatever directory it runs in.</summary>
public sealed class SandboxCommandLineTests
{
    [Fact]
    public void Parse_WithoutStateDir_UsesTheRepositoryRootsSandboxFolder()
    {
        var root = Directory.CreateTempSubdirectory("apg-root-");
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, "ApiProxyGateway.sln"), "");
            var program = Directory.CreateDirectory(Path.Combine(root.FullName, "src", "ApiProxyGateway.Sandbox", "bin", "Debug", "net10.0"));

            Assert.Equal(Path.Combine(root.FullName, ".sandbox"), SandboxCommandLine.DefaultStateDirectory(program.FullName));
            Assert.Equal(".sandbox", SandboxCommandLine.DefaultStateDirectory(Path.GetTempPath())); // outside any repository
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Parse_ThisBuild_PutsTheStateInThisRepository()
    {
        var parsed = SandboxCommandLine.Parse([]);

        Assert.Null(parsed.Error);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(parsed.Options.StateDirectory)!, "ApiProxyGateway.sln")), parsed.Options.StateDirectory);
        Assert.Equal(".sandbox", Path.GetFileName(parsed.Options.StateDirectory));
        Assert.Equal("/my/state", SandboxCommandLine.Parse(["--state-dir", "/my/state"]).Options.StateDirectory);
    }
}
