from symetrie.cli import main

main()
