namespace ApiProxyGateway.Sandbox.Store;

/// <summary>An object does not fit its k8s.Models type: a wrongly typed value or an unknown field, at <see cref="Field"/>.</summary>
internal sealed class ModelValidationException(string field, string problem)
    : Exception(field.Length > 0 ? $"field {field}: {problem}" : problem)
{
    public string Field { get; } = field;

    public string Problem { get; } = problem;
}
