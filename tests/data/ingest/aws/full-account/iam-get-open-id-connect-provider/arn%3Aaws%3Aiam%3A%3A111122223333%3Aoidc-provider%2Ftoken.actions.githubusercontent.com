{
  "Url": "token.actions.githubusercontent.com",
  "ClientIDList": [
    "sts.amazonaws.com"
  ],
  "ThumbprintList": []
}
