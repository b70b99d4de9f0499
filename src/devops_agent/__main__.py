from devops_agent.cli import main

main()
