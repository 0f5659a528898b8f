using ApiProxyGateway.Recording;

namespace ApiProxyGateway.UnitTests.Recording;

public sealed class RecordingOptionsValidatorTests
{
    [Fact]
    public void Validate_EveryProblemAtOnce_IsReportedWithItsSetting()
    {
        var options = new RecordingOptions
        {
            Required = true,
            MaxSessionBytes = 0,
            FlushInterval = TimeSpan.Zero,
            Namespaces = new(StringComparer.Ordinal) { ["Not_A_Namespace"] = RecordingMode.All, ["kube-system"] = RecordingMode.All },
        };

        var result = new RecordingOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Recording:Required (--recording-required)", StringComparison.Ordinal) && f.Contains("--recording-dir", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Recording:MaxSessionBytes", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Recording:FlushInterval", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Recording:Namespaces:Not_A_Namespace", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Failures!, f => f.Contains("kube-system", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Defaults_Pass() =>
        Assert.True(new RecordingOptionsValidator().Validate(null, new RecordingOptions()).Succeeded);
}
