import AgentService
import ServiceKit

await ServiceMain.run(AgentService.definition)
