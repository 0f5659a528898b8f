using ApiProxyGateway.Sandbox.Pki;
using ApiProxyGateway.Sandbox.Scenarios;

namespace ApiProxyGateway.UnitTests.Sandbox;

public sealed class ScenarioLoaderTests
{
    private const string Config = """
        apiVersion: sandbox.apiproxygateway.io/v1alpha1
        kind: SandboxConfig
        users:
        - name: admin
          groups: [system:masters]
        """;

    [Fact]
    public void LoadDefault_BuiltInScenario_HasUsersNodesPodsAndRbac()
    {
        var scenario = ScenarioLoader.LoadDefault();

        Assert.Equal(["admin", "developer", "viewer"], scenario.Config.Users.Select(u => u.Name));
        Assert.Equal(["node-a", "node-b"], scenario.Objects.Where(o => o.Type.Kind == "Node").Select(o => o.Name));
        Assert.Equal(["web", "logger", "shell"], scenario.Objects.Where(o => o.Type.Kind == "Pod").Select(o => o.Name));
        Assert.Contains(scenario.Objects, o => o.Type.Kind == "RoleBinding" && o.Name == "developer" && o.Namespace == "demo");
    }

    [Fact]
    public void Load_MinimalScenario_DefaultsNamespaceToDefault()
    {
        var scenario = Load(Config, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b");

        Assert.Equal("default", Assert.Single(scenario.Objects).Namespace);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: demo\nspec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: abc",
        "document 3 (Pod demo/p): field spec.containers[0].ports[0].containerPort:")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: demo\nspec:\n  containerz: []",
        "document 3 (Pod demo/p): field spec.containerz: unknown field \"spec.containerz\"")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s",
        "document 3 (Secret s): field kind: unsupported kind \"Secret\" in apiVersion \"v1\"")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: demo",
        "document 3 (ConfigMap): field metadata.name: required")]
    [InlineData("kind: ConfigMap\nmetadata:\n  name: x",
        "document 3 (ConfigMap x): field apiVersion: required")]
    [InlineData("apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  namespace: demo",
        "document 3 (Node demo/n): field metadata.namespace: must not be set: Node is cluster-scoped")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: nowhere",
        "document 3 (ConfigMap nowhere/x): field metadata.namespace: namespace \"nowhere\" is not defined in the scenario")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: demo\nspec:\n  nodeName: ghost\n  containers:\n  - name: c",
        "document 3 (Pod demo/p): field spec.nodeName: node \"ghost\" is not defined in the scenario")]
    [InlineData("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo",
        "document 3 (Namespace demo): field metadata.name: duplicate: Namespace demo is already defined in document 2")]
    [InlineData("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: r",
        "document 3 (ClusterRoleBinding b): field roleRef.kind: unsupported value \"Role\"")]
    public void Load_InvalidDocument_NamesDocumentAndField(string document, string expected)
    {
        var error = Assert.Throws<ScenarioException>(() => Load(Config, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo", document));

        Assert.StartsWith("test.yaml: " + expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: sandbox.apiproxygateway.io/v1alpha1\nkind: SandboxConfig\nusers: []", "document 1 (SandboxConfig): field users: at least one user is required")]
    [InlineData("apiVersion: sandbox.apiproxygateway.io/v1alpha1\nkind: SandboxConfig\nusers:\n- name: a\n  group: [x]", "document 1 (SandboxConfig): field users[0].group: unknown field \"users[0].group\"")]
    [InlineData("apiVersion: sandbox.apiproxygateway.io/v1alpha1\nkind: SandboxConfig\nusers:\n- name: a/b", "document 1 (SandboxConfig): field users[0].name: invalid user name \"a/b\"")]
    [InlineData("apiVersion: sandbox.apiproxygateway.io/v1alpha1\nkind: SandboxConfig\nusers:\n- name: a\n- name: a", "document 1 (SandboxConfig): field users[1].name: duplicate user \"a\"")]
    [InlineData("apiVersion: sandbox.apiproxygateway.io/v1alpha1\nkind: SandboxConfig\nusers:\n- name: a\nnodes:\n- name: ghost", "SandboxConfig: field nodes[0].name: node \"ghost\" is not defined in the scenario")]
    [InlineData("apiVersion: sandbox.apiproxygateway.io/v1alpha1\nkind: SandboxConfig\nusers:\n- name: a\n  groups: [g]\n  subject:\n  - [{CN: a}]", "document 1 (SandboxConfig): field users[0].groups: a user with a subject takes its groups")]
    [InlineData("apiVersion: sandbox.apiproxygateway.io/v1alpha1\nkind: SandboxConfig\nusers:\n- name: a\n  subject:\n  - {CN: a}", "document 1 (SandboxConfig): field users[0].subject[0]: an RDN must be a list")]
    [InlineData("apiVersion: sandbox.apiproxygateway.io/v1alpha1\nkind: SandboxConfig\nusers:\n- name: a\n  subject:\n  - [{CN: a, O: b}]", "document 1 (SandboxConfig): field users[0].subject[0][0]: a short-form attribute has exactly one key")]
    [InlineData("apiVersion: sandbox.apiproxygateway.io/v1alpha1\nkind: SandboxConfig\nusers:\n- name: a\n  subject:\n  - [{type: CN, value: a, string: Latin9}]", "document 1 (SandboxConfig): field users[0].subject[0][0].string: unknown string type \"Latin9\"")]
    public void Load_InvalidSandboxConfig_NamesField(string config, string expected)
    {
        var error = Assert.Throws<ScenarioException>(() => Load(config));

        Assert.StartsWith("test.yaml: " + expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UserWithSubject_KeepsItsRdnsInOrder()
    {
        var scenario = Load("""
            apiVersion: sandbox.apiproxygateway.io/v1alpha1
            kind: SandboxConfig
            users:
            - name: odd
              subject:
              - [{O: "a\r\nb"}]
              - [{CN: admin}, {type: O, value: x, string: PrintableString}]
            """);

        var subject = Assert.Single(scenario.Config.Users).Subject!;
        Assert.Equal([new SubjectPart("O", "a\r\nb")], subject[0]);
        Assert.Equal([new SubjectPart("CN", "admin"), new SubjectPart("O", "x", System.Formats.Asn1.UniversalTagNumber.PrintableString)], subject[1]);
    }

    [Fact]
    public void Load_NoSandboxConfig_Fails()
    {
        var error = Assert.Throws<ScenarioException>(() => Load("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo"));

        Assert.Contains("no sandbox.apiproxygateway.io/v1alpha1 SandboxConfig document", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidYaml_NamesLine()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Config + "\n---\nkind: [unclosed", "test.yaml"));

        Assert.StartsWith("test.yaml: invalid YAML at line", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_QuotedNumber_StaysString()
    {
        var scenario = Load(Config, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  port: \"8080\"");

        Assert.Equal("8080", scenario.Objects[0].Object["data"]?["port"]?.GetValue<string>());
    }

    private static Scenario Load(params string[] documents) => ScenarioLoader.Load(string.Join("\n---\n", documents), "test.yaml");
}
